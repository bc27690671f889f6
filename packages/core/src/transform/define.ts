import type { z } from 'zod'
import { KeelError } from '../errors/index.js'
import { Frame, type CategoricalColumn, type Column, type ColumnKind } from '../frame/index.js'
import { parseParams } from '../learners/index.js'
import { pinInputs, readInputs } from './internal/inputs.js'
import { plainState } from './internal/state.js'
import type {
  FitTransformResult,
  FittedTransformer,
  Transformer,
  TransformerColumn,
  TransformerFitOptions,
  TransformerJSON,
  TransformerSpec,
} from './protocol.js'

/** The format version of transformer documents written by this build. Readers accept ≤ this. */
export const TRANSFORMER_FORMAT_VERSION = 1

/**
 * How a composite reaches the registry without importing it: the registry passes itself in when
 * it creates or loads a transformer, so nested steps are built from plain data.
 */
export interface TransformerResolver {
  create(spec: TransformerSpec | Transformer): Transformer
  load(json: unknown): FittedTransformer
}

/**
 * One transformer kind as the registry knows it: the hyperparameter schema (the one declaration
 * that validation, defaults and docs come from), how to build an unfitted transformer from loose
 * parameters, and how to load a fitted one from its JSON.
 */
export interface TransformerDefinition {
  readonly kind: string
  /** One line for `--help` and docs. */
  readonly description: string
  readonly params: z.ZodType
  create(params: unknown, resolver: TransformerResolver): Transformer
  load(json: TransformerJSON, resolver: TransformerResolver): FittedTransformer
}

/** What a leaf step sees when it fits: the pinned inputs and their columns, aligned. */
export interface LeafFitContext<P> {
  readonly kind: string
  readonly params: P
  readonly options: TransformerFitOptions
  readonly inputs: readonly TransformerColumn[]
  readonly columns: readonly Column[]
  readonly numRows: number
}

/** What a leaf step sees when it transforms. `cache` is what `prepare` derived from the state. */
export interface LeafApplyContext<P, S, C> {
  readonly kind: string
  readonly params: P
  readonly state: S
  readonly cache: C
  readonly inputs: readonly TransformerColumn[]
  readonly outputs: readonly TransformerColumn[]
  readonly columns: readonly Column[]
  readonly numRows: number
}

/** The result of fitting a leaf: its state (plain JSON) and its output columns. */
export interface LeafFit<S> {
  readonly state: S
  readonly outputs: readonly TransformerColumn[]
}

/**
 * A leaf step: a kernel that turns its input columns into its output columns. Leaves take every
 * column of the frame they are fitted on as input (selecting columns is the column transformer's
 * job) and accept only the column kinds in `accepts`.
 */
export interface LeafDefinition<S extends z.ZodType, St, C> {
  readonly kind: string
  readonly description: string
  readonly params: S
  /** Checks a loaded state; a document that fails it is refused, never half-loaded. */
  readonly state: z.ZodType<St>
  readonly accepts: readonly ColumnKind[]
  fit(ctx: LeafFitContext<z.output<S>>): LeafFit<St>
  /** Derive lookup tables from the state once per fitted object (not part of the JSON). */
  prepare?(state: St, params: z.output<S>, outputs: readonly TransformerColumn[]): C
  /** Output columns, aligned with `outputs`. Must allocate; must not touch `columns`. */
  apply(ctx: LeafApplyContext<z.output<S>, St, C>): readonly Column[]
  /** Fit and produce the training output at once, when it differs from fit-then-apply. */
  fitApply?(ctx: LeafFitContext<z.output<S>>): LeafFit<St> & { readonly columns: readonly Column[] }
}

/** A defined leaf kind: its registry definition plus a typed factory. */
export interface LeafKind<S extends z.ZodType, St> extends TransformerDefinition {
  /** Build an unfitted transformer; parameters are validated (`INVALID_PARAMS` on error). */
  create(params?: z.input<S>): Transformer<FittedLeaf<z.output<S>, St>, z.output<S>>
}

/**
 * Build a frame from output specs and their columns, checking that each column has the kind its
 * spec pinned (a mismatch is a bug in the step, reported as `INTERNAL` rather than passed on).
 */
export const outputFrame = (
  kind: string,
  outputs: readonly TransformerColumn[],
  columns: readonly Column[],
): Frame => {
  if (columns.length !== outputs.length) {
    throw new KeelError(
      'INTERNAL',
      `${kind}: produced ${columns.length} columns for ${outputs.length} outputs`,
    )
  }
  outputs.forEach((o, i) => {
    if (columns[i]!.kind !== o.kind) {
      throw new KeelError(
        'INTERNAL',
        `${kind}: output "${o.name}" is ${columns[i]!.kind}, pinned ${o.kind}`,
      )
    }
  })
  return Frame.fromColumns(new Map(outputs.map((o, i) => [o.name, columns[i]!])))
}

/** Reject duplicate output names at fit with a structured error. */
export const assertUniqueOutputs = (kind: string, outputs: readonly TransformerColumn[]): void => {
  const seen = new Set<string>()
  for (const o of outputs) {
    if (seen.has(o.name)) {
      throw new KeelError('INVALID_ARGUMENT', `${kind}: two outputs are named "${o.name}"`, {
        path: [o.name],
        hint: 'rename an input or use a column transformer with prefix: true',
      })
    }
    seen.add(o.name)
  }
}

/** Frozen copies of column specs; pinned categories are frozen too, so outputs can share them. */
export const freezeColumns = (cols: readonly TransformerColumn[]): readonly TransformerColumn[] =>
  Object.freeze(
    cols.map((c) =>
      Object.freeze(
        c.categories === undefined
          ? { name: c.name, kind: c.kind }
          : {
              name: c.name,
              kind: c.kind,
              // An already frozen list is kept, so a training output built with it shares it too.
              categories: Object.isFrozen(c.categories)
                ? c.categories
                : Object.freeze([...c.categories]),
            },
      ),
    ),
  )

/**
 * A categorical column over a dictionary pinned at fit. The dictionary array is shared, not
 * copied, so every transform emits the very same instance and downstream code that maps codes by
 * dictionary (feature alignment in learners) takes its identity fast path. `codes` must already
 * be in range — the callers produce them.
 */
export const pinnedCategorical = (
  codes: Int32Array,
  categories: readonly string[],
): CategoricalColumn => Object.freeze({ kind: 'categorical', codes, dictionary: categories })

/** A fitted leaf step: pinned inputs and outputs, a plain-JSON state and the kernel that applies it. */
export class FittedLeaf<P, St> implements FittedTransformer {
  readonly kind: string
  readonly params: Readonly<P>
  readonly inputs: readonly TransformerColumn[]
  readonly outputs: readonly TransformerColumn[]
  readonly state: Readonly<St>
  readonly #def: LeafDefinition<z.ZodType, St, unknown>
  readonly #cache: unknown

  constructor(
    def: LeafDefinition<z.ZodType, St, unknown>,
    params: P,
    inputs: readonly TransformerColumn[],
    outputs: readonly TransformerColumn[],
    state: St,
  ) {
    this.kind = def.kind
    this.#def = def
    this.params = params
    this.inputs = freezeColumns(inputs)
    this.outputs = freezeColumns(outputs)
    this.state = state
    this.#cache = def.prepare ? def.prepare(state, params, this.outputs) : undefined
  }

  transform(frame: Frame): Frame {
    const columns = readInputs(this.kind, frame, this.inputs)
    const out = this.#def.apply({
      kind: this.kind,
      params: this.params,
      state: this.state,
      cache: this.#cache,
      inputs: this.inputs,
      outputs: this.outputs,
      columns,
      numRows: frame.numRows,
    })
    return outputFrame(this.kind, this.outputs, out)
  }

  toJSON(): TransformerJSON {
    return {
      format: 'keel-transformer',
      formatVersion: TRANSFORMER_FORMAT_VERSION,
      kind: this.kind,
      params: this.params,
      inputs: this.inputs,
      outputs: this.outputs,
      state: this.state,
    }
  }
}

class LeafTransformer<P, St> implements Transformer<FittedLeaf<P, St>, P> {
  readonly kind: string
  readonly params: Readonly<P>
  readonly #def: LeafDefinition<z.ZodType, St, unknown>

  constructor(def: LeafDefinition<z.ZodType, St, unknown>, params: P) {
    this.kind = def.kind
    this.#def = def
    this.params = params
  }

  #context(frame: Frame, options: TransformerFitOptions): LeafFitContext<P> {
    const { inputs, columns } = pinInputs(this.kind, frame, this.#def.accepts)
    return {
      kind: this.kind,
      params: this.params,
      options,
      inputs,
      columns,
      numRows: frame.numRows,
    }
  }

  #fitted(ctx: LeafFitContext<P>, result: LeafFit<St>): FittedLeaf<P, St> {
    assertUniqueOutputs(this.kind, result.outputs)
    return new FittedLeaf(
      this.#def,
      this.params,
      ctx.inputs,
      result.outputs,
      plainState(result.state),
    )
  }

  fit(frame: Frame, options: TransformerFitOptions): FittedLeaf<P, St> {
    const ctx = this.#context(frame, options)
    return this.#fitted(ctx, this.#def.fit(ctx))
  }

  fitTransform(
    frame: Frame,
    options: TransformerFitOptions,
  ): FitTransformResult<FittedLeaf<P, St>> {
    const ctx = this.#context(frame, options)
    if (!this.#def.fitApply) {
      const fitted = this.#fitted(ctx, this.#def.fit(ctx))
      return { fitted, output: fitted.transform(frame) }
    }
    const result = this.#def.fitApply(ctx)
    const fitted = this.#fitted(ctx, result)
    return { fitted, output: outputFrame(this.kind, fitted.outputs, result.columns) }
  }

  toSpec(): TransformerSpec {
    return { kind: this.kind, params: this.params }
  }
}

/** A frame with the given columns and no rows. */
const emptyFrame = (columns: readonly TransformerColumn[]): Frame =>
  Frame.fromColumns(
    new Map(
      columns.map((c): [string, Column] => [
        c.name,
        c.kind === 'categorical'
          ? { kind: 'categorical', codes: new Int32Array(0), dictionary: [] }
          : c.kind === 'text'
            ? { kind: 'text', values: [] }
            : { kind: c.kind, values: new Float64Array(0) },
      ]),
    ),
  )

/** Check the envelope fields every loader relies on, then the kind-specific state. */
export const parseDocument = <St>(
  json: TransformerJSON,
  stateSchema: z.ZodType<St>,
): { inputs: TransformerColumn[]; outputs: TransformerColumn[]; state: St } => {
  const columns = (v: unknown, field: string): TransformerColumn[] => {
    if (!Array.isArray(v)) {
      throw new KeelError('UNSUPPORTED_FORMAT', `${json.kind}: "${field}" must be an array`, {
        path: [field],
      })
    }
    return v.map((c: unknown, i) => {
      const col = c as Partial<TransformerColumn> | null
      if (typeof col?.name !== 'string' || typeof col.kind !== 'string') {
        throw new KeelError('UNSUPPORTED_FORMAT', `${json.kind}: malformed column in "${field}"`, {
          path: [field, i],
        })
      }
      return col as TransformerColumn
    })
  }
  const r = stateSchema.safeParse(json.state)
  if (!r.success) {
    const issues = r.error.issues.map((i) => ({
      code: i.code,
      path: ['state', ...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
      message: i.message,
    }))
    throw new KeelError('UNSUPPORTED_FORMAT', `${json.kind}: malformed fitted state`, { issues })
  }
  return {
    inputs: columns(json.inputs, 'inputs'),
    outputs: columns(json.outputs, 'outputs'),
    state: r.data,
  }
}

/**
 * Define a leaf transformer kind from its parameter schema, state schema and kernels. The result is
 * registered by the registry's built-in list (or by {@link registerTransformer} for user kinds).
 */
export const defineLeaf = <S extends z.ZodType, St, C = undefined>(
  def: LeafDefinition<S, St, C>,
): LeafKind<S, St> => {
  const erased = def as unknown as LeafDefinition<z.ZodType, St, unknown>
  const create = (params?: unknown): Transformer<FittedLeaf<z.output<S>, St>, z.output<S>> =>
    new LeafTransformer<z.output<S>, St>(
      erased,
      plainState(parseParams(def.kind, def.params, params), ['params'], 'INVALID_PARAMS'),
    )
  return {
    kind: def.kind,
    description: def.description,
    params: def.params,
    create,
    load(json: TransformerJSON): FittedTransformer {
      const params = parseParams(def.kind, def.params, json.params) as z.output<S>
      const { inputs, outputs, state } = parseDocument(json, def.state)
      const fitted = new FittedLeaf(erased, params, inputs, outputs, state)
      // A zero-row dry run checks that state, inputs and outputs fit together (a document whose
      // outputs were edited fails here, at load, not on the first request).
      fitted.transform(emptyFrame(inputs))
      return fitted
    },
  }
}
