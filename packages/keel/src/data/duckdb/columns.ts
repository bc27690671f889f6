import type { ColumnKind } from '@keel/core'
import { quoteIdentifier } from './engine.js'

/** How a DuckDB column is read: its Keel kind and the projection that yields DOUBLE or VARCHAR. */
export interface ColumnPlan {
  readonly name: string
  /** The DuckDB type as DuckDB prints it, e.g. `BIGINT`, `TIMESTAMP WITH TIME ZONE`. */
  readonly sourceType: string
  readonly kind: ColumnKind
  /** The SQL expression over the quoted column. */
  readonly expression: string
  /** Whether the projection yields DOUBLE (else VARCHAR). */
  readonly double: boolean
}

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|REAL|DOUBLE|DECIMAL(\(.*\))?|INT\d*|UINT\d*)$/
const TEMPORAL_PLAIN = /^(DATE|TIMESTAMP|TIMESTAMP_S|TIMESTAMP_MS|TIMESTAMP_NS|DATETIME)$/
const TEMPORAL_TZ = /^(TIMESTAMP WITH TIME ZONE|TIMESTAMPTZ)$/
const STRINGY = /^(VARCHAR|ENUM\(.*\)|UUID|CHAR|BPCHAR|TEXT|STRING)$/
const NESTED = /(\[\]|\[\d+\])$|^(STRUCT|MAP|UNION|JSON)/

/** True for DuckDB types read as timestamps. */
export const isTemporalType = (t: string): boolean => TEMPORAL_PLAIN.test(t) || TEMPORAL_TZ.test(t)

/**
 * The read plan of one column. DuckDB numbers → numeric (as DOUBLE; integers beyond 2^53 lose
 * precision), BOOLEAN → boolean, DATE / TIMESTAMP[_S|_MS|_NS] / TIMESTAMPTZ → timestamp (epoch ms
 * UTC, sub-millisecond digits dropped), VARCHAR / ENUM / UUID → categorical, or text when `want`
 * says so; nested values become their JSON text, anything else (TIME, INTERVAL, BLOB…) its text.
 */
export const planColumn = (name: string, sourceType: string, want?: ColumnKind): ColumnPlan => {
  const t = sourceType.toUpperCase()
  const col = quoteIdentifier(name)
  const asDouble = (expression: string, kind: ColumnKind): ColumnPlan => ({
    name,
    sourceType,
    kind,
    expression,
    double: true,
  })
  if (NUMERIC.test(t)) return asDouble(`CAST(${col} AS DOUBLE)`, 'numeric')
  if (t === 'BOOLEAN' || t === 'BOOL') return asDouble(`CAST(${col} AS DOUBLE)`, 'boolean')
  if (TEMPORAL_TZ.test(t)) return asDouble(`CAST(epoch_ms(${col}) AS DOUBLE)`, 'timestamp')
  if (TEMPORAL_PLAIN.test(t)) {
    return asDouble(`CAST(epoch_ms(CAST(${col} AS TIMESTAMP)) AS DOUBLE)`, 'timestamp')
  }
  const nested = NESTED.test(t)
  const kind: ColumnKind =
    want === 'text' || (want !== 'categorical' && nested) ? 'text' : 'categorical'
  const expression = STRINGY.test(t)
    ? `CAST(${col} AS VARCHAR)`
    : nested
      ? `CAST(to_json(${col}) AS VARCHAR)`
      : `CAST(${col} AS VARCHAR)`
  return { name, sourceType, kind, expression, double: false }
}
