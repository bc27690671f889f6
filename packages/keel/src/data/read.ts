import { Frame, KeelError, coerceToContract, type ColumnKind } from '@keel/core'
import { describeFile, readFileChunks } from './duckdb/read.js'
import { describePostgres, readPostgresChunks } from './postgres.js'
import { checkReadOptions, type ReadOptions } from './read-options.js'
import { sampleChunks } from './sample.js'
import { isPostgresSource, sourceSpecSchema, type SourceSpec } from './source.js'

/** String kinds requested by the options and the contract (the options win). */
const stringKinds = (options: ReadOptions): Record<string, ColumnKind> => {
  const kinds: Record<string, ColumnKind> = {}
  for (const f of options.contract?.fields ?? []) {
    if (f.kind === 'text' || f.kind === 'categorical') kinds[f.name] = f.kind
  }
  return { ...kinds, ...options.kinds }
}

const checkSource = (source: SourceSpec): void => {
  const parsed = sourceSpecSchema.safeParse(source)
  if (!parsed.success) {
    throw new KeelError(
      'INVALID_ARGUMENT',
      `not a valid source: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      {
        issues: parsed.error.issues.map((i) => ({
          code: i.code,
          path: i.path.filter((p): p is string | number => typeof p !== 'symbol'),
          message: i.message,
        })),
      },
    )
  }
}

/**
 * Stream a source as Frames of about `chunkRows` rows (default 131 072), so data larger than
 * memory can be profiled, validated and fingerprinted. Files are read by DuckDB in process
 * (CSV, Parquet, JSON, NDJSON), PostgreSQL through a read-only server-side cursor.
 *
 * Kinds: numbers → numeric, booleans → boolean, dates and timestamps → timestamp (epoch ms, UTC),
 * strings → categorical (text when `kinds`/the contract say so, or when the first chunk looks like
 * free text). With a `contract`, every chunk is cast to it (`coerceToContract`). Categorical codes
 * are stable across the chunks of one read. At least one chunk is yielded (empty when no rows
 * match), so the columns are always known.
 *
 * Errors: `FILE_NOT_FOUND` (naming the file), `PARSE_ERROR` (naming file and line; for CSV raised
 * once the scan ends), `UNSUPPORTED_FORMAT`, `UNAVAILABLE` (PostgreSQL host), `SCHEMA_MISMATCH`
 * (missing columns or values the contract's kinds cannot hold), `CANCELLED` (signal).
 *
 * @example
 * for await (const chunk of readChunks({ path: 'flights.parquet' }, { columns: ['date', 'delay'] })) {
 *   profiler.push(chunk)
 * }
 */
export async function* readChunks(
  source: SourceSpec,
  options: ReadOptions = {},
): AsyncGenerator<Frame> {
  checkSource(source)
  checkReadOptions(options)
  const kinds = stringKinds(options)
  const opts: ReadOptions = { ...options, kinds }
  let chunks: AsyncIterable<Frame> = isPostgresSource(source)
    ? readPostgresChunks(source, opts)
    : readFileChunks(source, opts)
  if (options.sample) chunks = sampleChunks(chunks, options.sample)
  for await (const chunk of chunks)
    yield options.contract ? coerceToContract(chunk, options.contract) : chunk
}

/**
 * A whole source as one Frame (see {@link readChunks} for kinds, options and errors). Use `limit`,
 * `columns`, `where` or `sample` to load part of a large table.
 *
 * @example
 * const frame = await readFrame({ path: 'data/flights.csv' }, { sample: { rows: 100_000, seed: 7 } })
 */
export const readFrame = async (source: SourceSpec, options: ReadOptions = {}): Promise<Frame> => {
  const chunks: Frame[] = []
  // One chunk holds everything unless sampling (which streams) or the caller asked otherwise.
  const chunkRows = options.chunkRows ?? (options.sample ? undefined : Number.MAX_SAFE_INTEGER)
  for await (const c of readChunks(source, {
    ...options,
    ...(chunkRows === undefined ? {} : { chunkRows }),
  })) {
    chunks.push(c)
  }
  return chunks.length === 1 ? chunks[0]! : Frame.concat(chunks)
}

/** A column of a source as Keel will read it. */
export interface SourceColumn {
  readonly name: string
  readonly kind: ColumnKind
  /** The type in the source, as DuckDB or PostgreSQL names it (`BIGINT`, `timestamp with time zone`). */
  readonly sourceType: string
}

/**
 * The columns of a source, their types there and the kinds they will be read as, without reading
 * rows (for PostgreSQL, one empty result). String columns are reported as categorical unless
 * `kinds` says otherwise, since the free-text check needs data.
 */
export const describeColumns = async (
  source: SourceSpec,
  options: Pick<ReadOptions, 'baseDir' | 'confine' | 'kinds'> = {},
): Promise<SourceColumn[]> => {
  checkSource(source)
  if (!isPostgresSource(source)) {
    const { columns } = await describeFile(source, options)
    return columns.map((c) => ({ name: c.name, kind: c.kind, sourceType: c.sourceType }))
  }
  return describePostgres(source, options.kinds)
}
