import { extname } from 'node:path'
import { KeelError, type ColumnKind, type ModelBundle, type PredictionRecord } from '@keel/core'

/** File formats a batch job writes. */
export type BatchOutputFormat = 'parquet' | 'csv' | 'ndjson'

/** The format an output path asks for, by extension. */
export const outputFormatOf = (path: string): BatchOutputFormat => {
  const ext = extname(path).toLowerCase()
  if (ext === '.parquet') return 'parquet'
  if (ext === '.csv') return 'csv'
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson'
  throw new KeelError(
    'INVALID_ARGUMENT',
    `unsupported batch output "${ext || path}": use .parquet, .csv or .ndjson`,
    {
      path: ['output'],
    },
  )
}

/** One output column and its type in the Parquet file. */
export interface OutputColumn {
  readonly name: string
  readonly sqlType: 'BIGINT' | 'DOUBLE' | 'VARCHAR' | 'BOOLEAN' | 'TIMESTAMP'
}

const sqlTypeOf = (kind: ColumnKind): OutputColumn['sqlType'] => {
  switch (kind) {
    case 'numeric':
      return 'DOUBLE'
    case 'boolean':
      return 'BOOLEAN'
    case 'timestamp':
      return 'TIMESTAMP'
    case 'categorical':
    case 'text':
      return 'VARCHAR'
  }
}

/**
 * The columns of a batch output: `row` (the input row number), the passthrough columns, then
 * `prediction`, `confidence`, `defer` and one `p_<class>` per class for classifiers — the fields of
 * the bundle's prediction record, flattened.
 */
export const outputColumns = (
  bundle: ModelBundle,
  passthrough: readonly { readonly name: string; readonly kind: ColumnKind }[],
): OutputColumn[] => {
  const cols: OutputColumn[] = [{ name: 'row', sqlType: 'BIGINT' }]
  for (const p of passthrough) cols.push({ name: p.name, sqlType: sqlTypeOf(p.kind) })
  if (bundle.task === 'regression') {
    cols.push({ name: 'prediction', sqlType: 'DOUBLE' }, { name: 'defer', sqlType: 'BOOLEAN' })
  } else {
    cols.push(
      { name: 'prediction', sqlType: 'VARCHAR' },
      { name: 'confidence', sqlType: 'DOUBLE' },
      { name: 'defer', sqlType: 'BOOLEAN' },
    )
    for (const c of bundle.label.classes ?? []) cols.push({ name: `p_${c}`, sqlType: 'DOUBLE' })
  }
  const seen = new Set<string>()
  for (const c of cols) {
    if (seen.has(c.name)) {
      throw new KeelError(
        'INVALID_ARGUMENT',
        `output column "${c.name}" appears twice; rename the passthrough column`,
      )
    }
    seen.add(c.name)
  }
  return cols
}

/** One output row as plain values in {@link outputColumns} order. */
export const outputValues = (
  row: number,
  passthrough: readonly unknown[],
  record: PredictionRecord,
  classes: readonly string[] | undefined,
): unknown[] => {
  const out: unknown[] = [row, ...passthrough, record.prediction]
  if (classes) {
    out.push(record.confidence ?? null, record.defer)
    for (const c of classes) out.push(record.probabilities?.[c] ?? null)
  } else out.push(record.defer)
  return out
}

/** A plain value as NDJSON (timestamps as ISO strings, which DuckDB reads as TIMESTAMP). */
export const ndjsonLine = (
  columns: readonly OutputColumn[],
  values: readonly unknown[],
): string => {
  const obj: Record<string, unknown> = {}
  columns.forEach((c, i) => {
    const v = values[i]
    obj[c.name] = c.sqlType === 'TIMESTAMP' && typeof v === 'number' ? new Date(v).toISOString() : v
  })
  return JSON.stringify(obj)
}

const csvCell = (v: unknown, type: OutputColumn['sqlType']): string => {
  if (v === null || v === undefined) return ''
  if (type === 'TIMESTAMP' && typeof v === 'number') return new Date(v).toISOString()
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  const s = String(v)
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s
}

/** One CSV line (RFC 4180 quoting; numbers in their shortest round-trip form). */
export const csvLine = (columns: readonly OutputColumn[], values: readonly unknown[]): string =>
  columns.map((c, i) => csvCell(values[i], c.sqlType)).join(',')

/** The CSV header line. */
export const csvHeader = (columns: readonly OutputColumn[]): string =>
  columns.map((c) => csvCell(c.name, 'VARCHAR')).join(',')
