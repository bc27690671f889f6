/**
 * A column transformer: each step takes the columns its selector picks (by name, kind or schema
 * role) and the outputs are put side by side, followed by the untouched remainder columns
 * (`remainder: 'passthrough'`) or nothing (`'drop'`, the default — a label or id column never rides
 * along by accident). It is a transformer itself, like scikit-learn's ColumnTransformer.
 */
import { z } from 'zod'
import { KeelError, type Issue } from '../errors/index.js'
import type { Column, Frame } from '../frame/index.js'
import { parseParams } from '../learners/index.js'
import {
  TRANSFORMER_FORMAT_VERSION,
  assertUniqueOutputs,
  freezeColumns,
  outputFrame,
  parseDocument,
  type TransformerDefinition,
} from './define.js'
import { readInputs } from './internal/inputs.js'
import { nameSteps } from './pipeline.js'
import type {
  FitTransformResult,
  FittedTransformer,
  Transformer,
  TransformerColumn,
  TransformerFitOptions,
  TransformerJSON,
  TransformerSpec,
} from './protocol.js'
import {
  coerceColumn,
  columnSelectorSchema,
  resolveSelector,
  type ColumnSelector,
} from './select.js'

const specSchema = z.strictObject({ kind: z.string().min(1), params: z.unknown().optional() })

const columnTransformerParams = z.strictObject({
  transformers: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        transformer: specSchema,
        columns: columnSelectorSchema,
      }),
    )
    .min(1)
    .refine((s) => new Set(s.map((x) => x.name)).size === s.length, 'step names must be unique'),
  /** Columns no step selected: dropped (default) or passed through unchanged after the outputs. */
  remainder: z.enum(['drop', 'passthrough']).default('drop'),
  /** Prefix every step output with `<step name>__`, to keep names unique across steps. */
  prefix: z.boolean().default(false),
})
type ColumnTransformerParams = z.output<typeof columnTransformerParams>

const columnTransformerState = z.strictObject({
  steps: z.array(
    z.strictObject({ name: z.string(), columns: z.array(z.string()), fitted: z.unknown() }),
  ),
  remainder: z.array(z.string()),
})

interface FittedStep {
  readonly name: string
  readonly columns: readonly string[]
  readonly fitted: FittedTransformer
}

const outputName = (prefix: boolean, step: string, name: string): string =>
  prefix ? `${step}__${name}` : name

/** A fitted column transformer. */
export class FittedColumnTransformer implements FittedTransformer {
  readonly kind = 'column-transformer'
  readonly params: ColumnTransformerParams
  readonly steps: readonly FittedStep[]
  readonly remainder: readonly string[]
  readonly inputs: readonly TransformerColumn[]
  readonly outputs: readonly TransformerColumn[]

  constructor(
    params: ColumnTransformerParams,
    steps: readonly FittedStep[],
    remainder: readonly string[],
    inputs: readonly TransformerColumn[],
  ) {
    this.params = params
    this.steps = Object.freeze(
      steps.map((s) => Object.freeze({ ...s, columns: Object.freeze([...s.columns]) })),
    )
    this.remainder = Object.freeze([...remainder])
    this.inputs = freezeColumns(inputs)
    const byName = new Map(inputs.map((c) => [c.name, c] as const))
    const outputs: TransformerColumn[] = []
    for (const s of steps) {
      for (const o of s.fitted.outputs)
        outputs.push({ ...o, name: outputName(params.prefix, s.name, o.name) })
    }
    for (const n of remainder) outputs.push({ name: n, kind: byName.get(n)!.kind })
    assertUniqueOutputs(this.kind, outputs)
    this.outputs = freezeColumns(outputs)
  }

  /** Assemble the output frame from each step's output and the remainder columns of `frame`. */
  assemble(frame: Frame, stepOutputs: readonly Frame[]): Frame {
    const columns: Column[] = []
    for (const out of stepOutputs) for (const [, c] of out.entries()) columns.push(c)
    const byName = new Map(this.inputs.map((c) => [c.name, c] as const))
    for (const n of this.remainder) columns.push(coerceColumn(frame.column(n), byName.get(n)!.kind))
    return outputFrame(this.kind, this.outputs, columns)
  }

  transform(frame: Frame): Frame {
    readInputs(this.kind, frame, this.inputs)
    return this.assemble(
      frame,
      this.steps.map((s) => s.fitted.transform(frame.select(s.columns))),
    )
  }

  toJSON(): TransformerJSON {
    return {
      format: 'keel-transformer',
      formatVersion: TRANSFORMER_FORMAT_VERSION,
      kind: this.kind,
      params: this.params,
      inputs: this.inputs,
      outputs: this.outputs,
      state: {
        steps: this.steps.map((s) => ({
          name: s.name,
          columns: s.columns,
          fitted: s.fitted.toJSON(),
        })),
        remainder: this.remainder,
      },
    }
  }
}

/** An unfitted column transformer. */
export class ColumnTransformer implements Transformer<
  FittedColumnTransformer,
  ColumnTransformerParams
> {
  readonly kind = 'column-transformer'
  readonly params: ColumnTransformerParams
  readonly #steps: readonly { name: string; transformer: Transformer; columns: ColumnSelector }[]

  constructor(
    steps: readonly { name: string; transformer: Transformer; columns: ColumnSelector }[],
    options: { remainder?: 'drop' | 'passthrough'; prefix?: boolean } = {},
  ) {
    this.#steps = steps
    this.params = parseParams(this.kind, columnTransformerParams, {
      transformers: steps.map((s) => ({
        name: s.name,
        transformer: s.transformer.toSpec(),
        columns: s.columns,
      })),
      ...options,
    })
  }

  #run(frame: Frame, options: TransformerFitOptions, withOutput: boolean) {
    const selected = new Set<string>()
    const plan = this.#steps.map((s) => {
      const columns = resolveSelector(frame, s.columns, options.roles)
      if (columns.length === 0) {
        throw new KeelError(
          'INVALID_ARGUMENT',
          `column-transformer: step "${s.name}" selects no column`,
          {
            path: ['transformers', s.name, 'columns'],
          },
        )
      }
      for (const c of columns) selected.add(c)
      return { ...s, columns }
    })
    const remainder =
      this.params.remainder === 'passthrough'
        ? frame.columnNames.filter((n) => !selected.has(n))
        : []
    const used = new Set([...selected, ...remainder])
    const inputs = frame.columnNames
      .filter((n) => used.has(n))
      .map((name) => ({ name, kind: frame.kindOf(name) }))
    const outputs: Frame[] = []
    const steps: FittedStep[] = plan.map((s) => {
      const sub = frame.select(s.columns)
      const stepOptions = { ...options, rng: options.rng.fork(`column-transformer/${s.name}`) }
      if (!withOutput)
        return { name: s.name, columns: s.columns, fitted: s.transformer.fit(sub, stepOptions) }
      const r = s.transformer.fitTransform(sub, stepOptions)
      outputs.push(r.output)
      return { name: s.name, columns: s.columns, fitted: r.fitted }
    })
    const fitted = new FittedColumnTransformer(this.params, steps, remainder, inputs)
    return { fitted, output: withOutput ? fitted.assemble(frame, outputs) : undefined }
  }

  fit(frame: Frame, options: TransformerFitOptions): FittedColumnTransformer {
    return this.#run(frame, options, false).fitted
  }

  fitTransform(
    frame: Frame,
    options: TransformerFitOptions,
  ): FitTransformResult<FittedColumnTransformer> {
    const r = this.#run(frame, options, true)
    return { fitted: r.fitted, output: r.output! }
  }

  toSpec(): TransformerSpec {
    return { kind: this.kind, params: this.params }
  }
}

/** One step of a column transformer: a transformer (named after its kind unless named) and its columns. */
export interface ColumnTransformerStep {
  readonly name?: string
  readonly transformer: Transformer
  readonly columns: ColumnSelector
}

/**
 * A column transformer over `steps`. Selectors are resolved on the training frame and pinned.
 *
 * @example
 * columnTransformer([
 *   { transformer: timeFeatures({ parts: ['dayOfWeek'], cyclic: ['hour'] }), columns: ['date'] },
 *   { transformer: log1p(), columns: ['distance'] },
 *   { transformer: targetEncoder(), columns: ['origin'] },
 * ])
 */
export const columnTransformer = (
  steps: readonly ColumnTransformerStep[],
  options: { remainder?: 'drop' | 'passthrough'; prefix?: boolean } = {},
): ColumnTransformer => {
  const named = nameSteps(
    steps.map((s) =>
      s.name === undefined ? s.transformer : { name: s.name, transformer: s.transformer },
    ),
    (s): s is Transformer => typeof (s as Partial<Transformer>).fit === 'function',
  )
  return new ColumnTransformer(
    named.map((s, k) => ({ ...s, columns: steps[k]!.columns })),
    options,
  )
}

/** The registry definition of `column-transformer`. */
export const columnTransformerDefinition: TransformerDefinition = {
  kind: 'column-transformer',
  description:
    'Steps over selected columns, side by side, with the remainder dropped or passed through',
  params: columnTransformerParams,
  create(params, resolver) {
    const p = parseParams('column-transformer', columnTransformerParams, params)
    return new ColumnTransformer(
      p.transformers.map((s) => ({
        name: s.name,
        transformer: resolver.create(s.transformer),
        columns: s.columns,
      })),
      { remainder: p.remainder, prefix: p.prefix },
    )
  },
  load(json, resolver) {
    const params = parseParams('column-transformer', columnTransformerParams, json.params)
    const { inputs, state } = parseDocument(json, columnTransformerState)
    const known = new Map(inputs.map((c) => [c.name, c] as const))
    const issues: Issue[] = []
    const steps = state.steps.map((s) => {
      for (const c of s.columns) {
        if (!known.has(c))
          issues.push({
            code: 'unknown_column',
            path: ['state', s.name],
            message: `unknown column "${c}"`,
          })
      }
      return { name: s.name, columns: s.columns, fitted: resolver.load(s.fitted) }
    })
    for (const r of state.remainder)
      if (!known.has(r))
        issues.push({
          code: 'unknown_column',
          path: ['state', 'remainder'],
          message: `unknown column "${r}"`,
        })
    if (issues.length > 0)
      throw new KeelError('UNSUPPORTED_FORMAT', 'column-transformer: malformed state', { issues })
    return new FittedColumnTransformer(params, steps, state.remainder, inputs)
  },
}
