import type { Issue } from '../errors/index.js'

/** Every kind of contract violation. */
export type ContractIssueCode =
  | 'missing_column'
  | 'unexpected_column'
  | 'wrong_kind'
  | 'not_finite'
  | 'out_of_range'
  | 'not_allowed_category'
  | 'null_not_allowed'
  | 'too_many_nulls'
  | 'duplicate_id'
  | 'check_failed'

/**
 * One violation of a schema contract, aggregated over all rows: how many rows break it (`count`),
 * the first few of them (`rows`, 0-based over the whole data, across chunks), and a sentence.
 * It is an {@link Issue} (path = `[column]`, or `[check]` for a row check), so it can travel in a
 * `VALIDATION_FAILED` error unchanged.
 */
export interface ContractIssue extends Issue {
  readonly code: ContractIssueCode
  /** The column concerned; `null` for a row check across columns. */
  readonly column: string | null
  /** Name of the custom check, for `check_failed`. */
  readonly check?: string
  readonly rows: readonly number[]
  readonly count: number
}

/** Totals of a validation run. */
export interface ValidationSummary {
  readonly rows: number
  /** Sum of the counts of every issue. */
  readonly violations: number
  readonly byCode: Readonly<Partial<Record<ContractIssueCode, number>>>
  /** Violations per column; row checks count under their check name in `byCheck`. */
  readonly byColumn: Readonly<Record<string, number>>
  readonly byCheck: Readonly<Record<string, number>>
}

/** The result of checking data against a contract: plain data, never an exception. */
export interface ValidationResult {
  readonly ok: boolean
  readonly summary: ValidationSummary
  readonly issues: readonly ContractIssue[]
}

type Details = Record<string, unknown>

/** One open tally: rows and count grow as chunks stream by; the message is written at the end. */
export interface Tally {
  readonly code: ContractIssueCode
  readonly column: string | null
  readonly check: string | undefined
  readonly rows: number[]
  count: number
  details: Details
  /** Ordered examples of offending values with their counts. */
  readonly examples: Map<string, number>
}

/** Collects violations keyed by (code, column, check) while chunks stream through a validator. */
export class IssueTally {
  readonly #tallies = new Map<string, Tally>()
  readonly #sampleRows: number

  constructor(sampleRows: number) {
    this.#sampleRows = sampleRows
  }

  #get(code: ContractIssueCode, column: string | null, check?: string): Tally {
    const key = `${code}\u0000${column ?? ''}\u0000${check ?? ''}`
    let t = this.#tallies.get(key)
    if (!t) {
      t = { code, column, check, rows: [], count: 0, details: {}, examples: new Map() }
      this.#tallies.set(key, t)
    }
    return t
  }

  /** True when this (code, column) has been recorded already. */
  has(code: ContractIssueCode, column: string | null): boolean {
    return this.#tallies.has(`${code}\u0000${column ?? ''}\u0000`)
  }

  /** Record a violation at global row `row` (or a structural one when `row` is undefined). */
  add(
    code: ContractIssueCode,
    column: string | null,
    row: number | undefined,
    example?: string,
    check?: string,
  ): Tally {
    const t = this.#get(code, column, check)
    t.count++
    if (row !== undefined && t.rows.length < this.#sampleRows) t.rows.push(row)
    if (example !== undefined && (t.examples.has(example) || t.examples.size < 5)) {
      t.examples.set(example, (t.examples.get(example) ?? 0) + 1)
    }
    return t
  }

  /** Record `count` violations at once, given a sample of their global rows and example values. */
  addBatch(
    code: ContractIssueCode,
    column: string | null,
    rows: readonly number[],
    count: number,
    examples: readonly string[],
  ): Tally {
    const t = this.#get(code, column)
    t.count += count
    for (const r of rows) if (t.rows.length < this.#sampleRows) t.rows.push(r)
    for (const e of examples) if (t.examples.size < 5) t.examples.set(e, t.examples.get(e) ?? 1)
    return t
  }

  /** Merge facts into the details of a tally (e.g. observed extremes). */
  detail(code: ContractIssueCode, column: string | null, details: Details, check?: string): void {
    const t = this.#get(code, column, check)
    t.details = { ...t.details, ...details }
  }

  /** The issues, each with its message from `describe`, in order of first occurrence. */
  issues(describe: (t: Readonly<Tally>) => string): ContractIssue[] {
    return [...this.#tallies.values()].map((t) => {
      const examples = [...t.examples.entries()].map(([value, count]) => ({ value, count }))
      const details = { ...t.details, ...(examples.length > 0 ? { examples } : {}) }
      return {
        code: t.code,
        column: t.column,
        ...(t.check === undefined ? {} : { check: t.check }),
        path: [t.column ?? t.check ?? ''],
        rows: t.rows,
        count: t.count,
        message: describe(t),
        details,
      }
    })
  }
}

/** A readable list of example values: `"ZZZ" ×5, "QQ" ×2`. */
export const formatExamples = (examples: ReadonlyMap<string, number>): string =>
  [...examples.entries()]
    .map(([v, c]) => (c > 1 ? `${JSON.stringify(v)} ×${c}` : JSON.stringify(v)))
    .join(', ')

/** Totals over `issues`. */
export const summarize = (rows: number, issues: readonly ContractIssue[]): ValidationSummary => {
  const byCode: Partial<Record<ContractIssueCode, number>> = {}
  const byColumn: Record<string, number> = {}
  const byCheck: Record<string, number> = {}
  let violations = 0
  for (const i of issues) {
    violations += i.count
    byCode[i.code] = (byCode[i.code] ?? 0) + i.count
    if (i.column !== null) byColumn[i.column] = (byColumn[i.column] ?? 0) + i.count
    if (i.check !== undefined) byCheck[i.check] = (byCheck[i.check] ?? 0) + i.count
  }
  return { rows, violations, byCode, byColumn, byCheck }
}
