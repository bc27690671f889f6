/**
 * Custom row-wise features written in TypeScript (the on-demand features of a project config:
 * `isRushHour`, `distanceBucket`, a business rule). The function itself is code and never goes
 * into a model bundle: it is registered by name, the bundle stores only the name, its declared
 * version and its arguments (plain JSON), and loading a bundle whose function is not registered —
 * or registered at another version — is refused rather than run with different code.
 *
 * @example
 * registerRowFunction({
 *   name: 'rush-hour',
 *   outputs: [{ name: 'rush_hour', kind: 'boolean' }],
 *   fn: (row) => {
 *     const h = new Date(row.date as number).getUTCHours()
 *     return { rush_hour: (h >= 7 && h < 9) || (h >= 16 && h < 18) }
 *   },
 * })
 * rowFunction({ fn: 'rush-hour' })
 */
import { z } from 'zod'
import { KeelError } from '../errors/index.js'
import { cellAt, type Cell, type Column, type Row } from '../frame/index.js'
import { parseParams } from '../learners/index.js'
import { defineLeaf, pinnedCategorical } from './define.js'
import type { TransformerColumn } from './protocol.js'

/** A named row function with its declared output schema. */
export interface RowFunctionDefinition {
  readonly name: string
  /** Bump when the function's behaviour changes: bundles fitted with another version will not load. */
  readonly version?: number
  readonly description?: string
  /** Declared outputs; categorical outputs must list their categories (pinned in the bundle). */
  readonly outputs: readonly TransformerColumn[]
  /** Schema of the JSON arguments passed as the second parameter. */
  readonly args?: z.ZodType
  /** Compute the outputs of one row (plain cells keyed by input name; missing is null). */
  readonly fn: (row: Row, args: unknown) => Readonly<Record<string, Cell | undefined>>
}

const functions = new Map<string, RowFunctionDefinition>()

/** Register a row function by name (replacing any earlier one of that name). */
export const registerRowFunction = (def: RowFunctionDefinition): RowFunctionDefinition => {
  for (const o of def.outputs) {
    if (o.kind === 'categorical' && !o.categories) {
      throw new KeelError(
        'INVALID_ARGUMENT',
        `row function "${def.name}": categorical output "${o.name}" must list its categories`,
        {
          path: ['outputs', o.name],
        },
      )
    }
  }
  functions.set(def.name, Object.freeze({ ...def }))
  return def
}

/** Names of the registered row functions. */
export const rowFunctionNames = (): string[] => [...functions.keys()].sort()

const lookup = (
  name: string,
  code: 'INVALID_CONFIG' | 'UNSUPPORTED_FORMAT',
): RowFunctionDefinition => {
  const def = functions.get(name)
  if (!def) {
    throw new KeelError(code, `row function "${name}" is not registered`, {
      path: ['params', 'fn'],
      details: { known: rowFunctionNames() },
      hint: 'call registerRowFunction before fitting or loading',
    })
  }
  return def
}

const rowFunctionParams = z.strictObject({
  /** Name of a registered row function. */
  fn: z.string().min(1),
  /** JSON arguments for the function, checked against its `args` schema. */
  args: z.unknown().optional(),
})

/** Convert one returned cell to the storage of its declared kind, or throw. */
const store = (
  o: TransformerColumn,
  v: Cell | undefined,
  fail: (why: string) => never,
): number | string | null => {
  if (v === undefined) fail(`did not return "${o.name}"`)
  if (v === null) return null
  switch (o.kind) {
    case 'numeric':
    case 'timestamp':
      if (typeof v !== 'number' || !Number.isFinite(v))
        fail(`"${o.name}" must be a finite number, got ${String(v)}`)
      return v as number
    case 'boolean':
      if (typeof v !== 'boolean' && v !== 0 && v !== 1)
        fail(`"${o.name}" must be a boolean, got ${String(v)}`)
      return v ? 1 : 0
    case 'categorical': {
      const k = typeof v === 'string' ? o.categories!.indexOf(v) : -1
      if (k < 0)
        fail(`"${o.name}" must be one of its declared categories, got ${JSON.stringify(v)}`)
      return k
    }
    case 'text':
      if (typeof v !== 'string') fail(`"${o.name}" must be a string, got ${String(v)}`)
      return v as string
  }
}

/**
 * Apply a registered TypeScript function to every row. Each returned value is checked against the
 * declared kind: a non-finite number, a wrong type, an undeclared category or a missing key is an
 * `INVALID_DATA` error naming the row — never a silent NaN.
 */
export const rowFunctionKind = defineLeaf({
  kind: 'row-function',
  description: 'A registered TypeScript row function with a declared output schema',
  params: rowFunctionParams,
  state: z.strictObject({ version: z.number() }),
  accepts: ['numeric', 'boolean', 'timestamp', 'categorical', 'text'],
  fit({ params }) {
    const def = lookup(params.fn, 'INVALID_CONFIG')
    if (def.args) parseParams(`row function ${def.name}`, def.args, params.args)
    return { state: { version: def.version ?? 1 }, outputs: def.outputs }
  },
  prepare(state, params) {
    const def = lookup(params.fn, 'UNSUPPORTED_FORMAT')
    if ((def.version ?? 1) !== state.version) {
      throw new KeelError(
        'UNSUPPORTED_FORMAT',
        `row function "${def.name}" is version ${def.version ?? 1}, the transformer was fitted with version ${state.version}`,
        { path: ['state', 'version'] },
      )
    }
    return {
      def,
      args: def.args ? parseParams(`row function ${def.name}`, def.args, params.args) : params.args,
    }
  },
  apply({ cache, inputs, outputs, columns, numRows }): Column[] {
    const { def, args } = cache
    const stores = outputs.map((o) =>
      o.kind === 'text'
        ? new Array<string | null>(numRows)
        : o.kind === 'categorical'
          ? new Int32Array(numRows)
          : new Float64Array(numRows),
    )
    for (let i = 0; i < numRows; i++) {
      const row: Record<string, Cell> = {}
      inputs.forEach((c, j) => (row[c.name] = cellAt(columns[j]!, i)))
      const fail = (why: string): never => {
        throw new KeelError('INVALID_DATA', `row function "${def.name}" at row ${i}: ${why}`, {
          path: [i],
        })
      }
      let result: Readonly<Record<string, Cell | undefined>>
      try {
        result = def.fn(row, args)
      } catch (e) {
        if (e instanceof KeelError) throw e
        throw new KeelError(
          'INVALID_DATA',
          `row function "${def.name}" failed at row ${i}: ${(e as Error).message}`,
          {
            path: [i],
            cause: e,
          },
        )
      }
      outputs.forEach((o, k) => {
        const v = store(o, result[o.name], fail)
        const s = stores[k]!
        if (Array.isArray(s)) s[i] = v as string | null
        else if (s instanceof Int32Array) s[i] = v === null ? -1 : (v as number)
        else s[i] = v === null ? NaN : (v as number)
      })
    }
    return outputs.map((o, k) => {
      const s = stores[k]!
      if (Array.isArray(s))
        return Object.freeze({ kind: 'text' as const, values: Object.freeze(s) })
      if (s instanceof Int32Array) return pinnedCategorical(s, o.categories!)
      return Object.freeze({ kind: o.kind as 'numeric' | 'boolean' | 'timestamp', values: s })
    })
  },
})

/** An unfitted row-function step. */
export const rowFunction = (
  params: z.input<typeof rowFunctionParams>,
): ReturnType<typeof rowFunctionKind.create> => rowFunctionKind.create(params)
