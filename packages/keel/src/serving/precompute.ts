import { KeelError, predictionRecord, type ModelBundle } from '@keel/core'
import { predictionCacheKey, type PredictionCache } from '../stores/online/prediction-cache.js'

/** Options of {@link precomputePredictions}. */
export interface PrecomputeOptions {
  readonly model: string
  readonly version: string
  readonly bundle: ModelBundle
  readonly cache: PredictionCache
  /** Explicit rows, or… */
  readonly rows?: Iterable<Readonly<Record<string, unknown>>>
  /** …every combination of these values (the enumerated low-cardinality input space). */
  readonly grid?: Readonly<Record<string, readonly unknown[]>>
  /** Refuse grids larger than this (default 1 000 000 rows). */
  readonly maxRows?: number
  readonly chunkSize?: number
  readonly onProgress?: (p: { done: number; total?: number }) => void
}

/** Every combination of the grid's values, as rows, in a fixed order (last field varies fastest). */
export function* gridRows(
  grid: Readonly<Record<string, readonly unknown[]>>,
): Generator<Record<string, unknown>> {
  const names = Object.keys(grid)
  const values = names.map((n) => grid[n]!)
  if (values.some((v) => v.length === 0)) return
  const idx = new Array<number>(names.length).fill(0)
  for (;;) {
    const row: Record<string, unknown> = {}
    names.forEach((n, j) => (row[n] = values[j]![idx[j]!]))
    yield row
    let j = names.length - 1
    while (j >= 0 && ++idx[j]! === values[j]!.length) idx[j--] = 0
    if (j < 0) return
  }
}

/**
 * Precompute predictions for an enumerated input set and store them in the prediction cache, so
 * the service answers those inputs without running the model (static serving). Rows go through
 * the same `predictRows` as every other path, so a cached answer equals a computed one.
 */
export const precomputePredictions = async (
  options: PrecomputeOptions,
): Promise<{ rows: number }> => {
  const { bundle, cache, model, version } = options
  const chunkSize = options.chunkSize ?? 1000
  const maxRows = options.maxRows ?? 1_000_000
  let total: number | undefined
  let source: Iterable<Readonly<Record<string, unknown>>>
  if (options.grid) {
    total = Object.values(options.grid).reduce((n, v) => n * v.length, 1)
    if (total > maxRows) {
      throw new KeelError(
        'INVALID_ARGUMENT',
        `the grid has ${total} combinations, more than the limit of ${maxRows}`,
      )
    }
    source = gridRows(options.grid)
  } else if (options.rows) source = options.rows
  else throw new KeelError('INVALID_ARGUMENT', 'precomputePredictions needs rows or a grid')
  let done = 0
  let chunk: Readonly<Record<string, unknown>>[] = []
  const flush = async (): Promise<void> => {
    if (chunk.length === 0) return
    const { predictions } = bundle.predictRows(chunk, {
      maxRows: chunk.length,
      maxFields: 1000,
      maxStringLength: 10_000,
    })
    await cache.setMany(
      chunk.map(
        (row, i) =>
          [
            predictionCacheKey(model, version, bundle.inputs, row),
            predictionRecord(predictions, i),
          ] as const,
      ),
    )
    done += chunk.length
    chunk = []
    options.onProgress?.(total === undefined ? { done } : { done, total })
  }
  for (const row of source) {
    if (done + chunk.length >= maxRows)
      throw new KeelError('INVALID_ARGUMENT', `more than ${maxRows} rows to precompute`)
    chunk.push(row)
    if (chunk.length >= chunkSize) await flush()
  }
  await flush()
  return { rows: done }
}
