import { createHash, randomBytes } from 'node:crypto'
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import {
  checkInputRows,
  KeelError,
  predictionRecord,
  type ColumnKind,
  type Frame,
  type InputLimits,
  type ModelBundle,
} from '@keel/core'
import { openSession, quoteIdentifier } from '../data/duckdb/engine.js'
import { readManifest, writeManifest, type ManifestChunk } from './manifest.js'
import {
  csvHeader,
  csvLine,
  ndjsonLine,
  outputColumns,
  outputFormatOf,
  outputValues,
  type BatchOutputFormat,
  type OutputColumn,
} from './output-format.js'

/** Progress of a batch job. */
export interface BatchProgress {
  readonly rows: number
  readonly chunks: number
  /** Chunks skipped because a previous run had finished them. */
  readonly skippedChunks: number
}

/** Options of {@link predictBatch}. */
export interface PredictBatchOptions {
  readonly bundle: ModelBundle
  /** Raw input rows in chunks; a resumed job must be given the same chunks in the same order. */
  readonly input: AsyncIterable<Frame> | Iterable<Frame>
  /** `.parquet`, `.csv` or `.ndjson`; written whole or not at all. */
  readonly output: string
  /** Input columns copied to the output beside the predictions (e.g. an id). */
  readonly passthrough?: readonly string[]
  /** Keep finished chunks on failure and skip them on the next run (default true). */
  readonly resumable?: boolean
  /** Replace an existing output file (default false: an existing output is `CONFLICT`). */
  readonly overwrite?: boolean
  readonly onProgress?: (p: BatchProgress) => void
  readonly signal?: AbortSignal
}

/** What a finished batch job did. */
export interface BatchResult {
  readonly output: string
  readonly format: BatchOutputFormat
  readonly rows: number
  readonly chunks: number
  readonly skippedChunks: number
}

/** Every input row of a chunk is checked like an HTTP row; no row count limit inside a chunk. */
const chunkLimits = (n: number): InputLimits => ({
  maxRows: Math.max(1, n),
  maxFields: 100_000,
  maxStringLength: 1_000_000,
})

const partName = (index: number, format: BatchOutputFormat): string =>
  `part-${String(index).padStart(6, '0')}.${format === 'csv' ? 'csv' : 'ndjson'}`

/**
 * Predict a whole table with a bundle and write the predictions to one file.
 *
 * Each chunk goes through the same input check (`checkInputRows`) and `bundle.predict` as the HTTP
 * service, so a batch prediction equals the served one for the same row. Chunks are written as part
 * files beside the output with a manifest of finished chunks; a failed or interrupted job rerun
 * with the same input resumes after the last finished chunk. The final file is assembled under a
 * temporary name and renamed into place (Parquet through DuckDB), so the output path never holds a
 * partial file.
 */
export const predictBatch = async (options: PredictBatchOptions): Promise<BatchResult> => {
  const { bundle } = options
  const output = resolve(options.output)
  const format = outputFormatOf(output)
  const resumable = options.resumable ?? true
  const workDir = join(dirname(output), `.${basename(output)}.parts`)
  const manifestFile = join(workDir, 'manifest.json')
  const bundleHash = createHash('sha256').update(JSON.stringify(bundle.toJSON())).digest('hex')

  let manifest = resumable ? readManifest(manifestFile) : undefined
  if (manifest && (manifest.bundleHash !== bundleHash || manifest.output !== output)) {
    throw new KeelError(
      'CONFLICT',
      `${workDir} holds a job for another bundle or output; delete it to start over`,
    )
  }
  if (manifest?.assembled && existsSync(output)) {
    // The previous run finished and renamed; only its clean-up was interrupted.
    rmSync(workDir, { recursive: true, force: true })
    const rows = manifest.chunks.reduce((s, c) => s + c.rows, 0)
    return {
      output,
      format,
      rows,
      chunks: manifest.chunks.length,
      skippedChunks: manifest.chunks.length,
    }
  }
  if (existsSync(output) && !options.overwrite) {
    throw new KeelError('CONFLICT', `${output} exists; pass overwrite to replace it`, {
      path: ['output'],
    })
  }
  if (!resumable || !manifest) rmSync(workDir, { recursive: true, force: true })
  mkdirSync(workDir, { recursive: true })

  const done = new Map<number, ManifestChunk>((manifest?.chunks ?? []).map((c) => [c.index, c]))
  let columns: OutputColumn[] | undefined
  let rows = 0
  let index = 0
  let skipped = 0
  for await (const frame of options.input) {
    if (options.signal?.aborted) throw new KeelError('CANCELLED', 'batch prediction cancelled')
    const passthrough = (options.passthrough ?? []).map((name) => ({
      name,
      kind: frame.kindOf(name) as ColumnKind,
    }))
    columns ??= outputColumns(bundle, passthrough)
    const names = columns.map((c) => c.name)
    if (manifest && manifest.columns.join('\u0000') !== names.join('\u0000')) {
      throw new KeelError(
        'CONFLICT',
        `${workDir} was started with other output columns; delete it to start over`,
      )
    }
    manifest ??= {
      format: 'keel-batch-manifest',
      formatVersion: 1,
      bundleHash,
      output,
      outputFormat: format,
      columns: names,
      chunks: [],
      assembled: false,
    }
    const previous = done.get(index)
    if (previous) {
      if (previous.rows !== frame.numRows || previous.firstRow !== rows) {
        throw new KeelError(
          'CONFLICT',
          `chunk ${index} has ${frame.numRows} rows now but ${previous.rows} before: the input changed`,
        )
      }
      skipped++
    } else {
      const file = partName(index, format)
      writePart(
        join(workDir, file),
        bundle,
        frame,
        rows,
        passthrough.map((p) => p.name),
        columns,
        format,
      )
      const chunk = { index, firstRow: rows, rows: frame.numRows, file }
      done.set(index, chunk)
      manifest = { ...manifest, chunks: [...manifest.chunks, chunk] }
      if (resumable) writeManifest(manifestFile, manifest)
    }
    rows += frame.numRows
    index++
    options.onProgress?.({ rows, chunks: index, skippedChunks: skipped })
  }
  if (!columns || !manifest)
    throw new KeelError('INVALID_DATA', 'the batch input yielded no chunks')
  if (done.size !== index)
    throw new KeelError('CONFLICT', 'the input has fewer chunks than the manifest: it changed')

  const parts = [...done.values()]
    .sort((a, b) => a.index - b.index)
    .map((c) => join(workDir, c.file))
  const tmp = join(dirname(output), `.${basename(output)}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    await assemble(parts, tmp, format, columns)
    if (resumable) writeManifest(manifestFile, { ...manifest, assembled: true })
    renameSync(tmp, output)
  } finally {
    rmSync(tmp, { force: true })
  }
  rmSync(workDir, { recursive: true, force: true })
  return { output, format, rows, chunks: index, skippedChunks: skipped }
}

const writePart = (
  file: string,
  bundle: ModelBundle,
  frame: Frame,
  firstRow: number,
  passthrough: readonly string[],
  columns: readonly OutputColumn[],
  format: BatchOutputFormat,
): void => {
  const inputRows = frame.toRows()
  const check = checkInputRows(inputRows, bundle.inputs, chunkLimits(inputRows.length))
  if (!check.ok) {
    const issues = check.issues.map((i) => ({
      ...i,
      path: typeof i.path[0] === 'number' ? [firstRow + i.path[0], ...i.path.slice(1)] : i.path,
    }))
    throw new KeelError(
      'VALIDATION_FAILED',
      `${issues.length} input problem(s) in rows ${firstRow}..${firstRow + frame.numRows - 1}: ${issues[0]!.message}`,
      {
        issues,
      },
    )
  }
  const p = bundle.predict(check.frame)
  const classes = bundle.task === 'regression' ? undefined : bundle.label.classes
  const lines: string[] = new Array<string>(p.n)
  const line = format === 'csv' ? csvLine : ndjsonLine
  for (let i = 0; i < p.n; i++) {
    const pass = passthrough.map((name) => inputRows[i]![name] ?? null)
    lines[i] = line(columns, outputValues(firstRow + i, pass, predictionRecord(p, i), classes))
  }
  const tmp = `${file}.tmp`
  writeFileSync(tmp, lines.length > 0 ? lines.join('\n') + '\n' : '')
  renameSync(tmp, file)
}

const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`

const assemble = async (
  parts: readonly string[],
  tmp: string,
  format: BatchOutputFormat,
  columns: readonly OutputColumn[],
): Promise<void> => {
  if (format !== 'parquet') {
    writeFileSync(tmp, format === 'csv' ? csvHeader(columns) + '\n' : '')
    for (const p of parts) appendFileSync(tmp, readFileSync(p))
    return
  }
  const session = await openSession()
  try {
    const types = `{${columns.map((c) => `${sqlString(c.name)}: ${sqlString(c.sqlType)}`).join(', ')}}`
    const select = columns.map((c) => quoteIdentifier(c.name)).join(', ')
    await session.connection.run(
      `COPY (SELECT ${select} FROM read_json([${parts.map(sqlString).join(', ')}], format = 'newline_delimited', columns = ${types}) ORDER BY "row")
       TO ${sqlString(tmp)} (FORMAT parquet)`,
    )
  } finally {
    session.close()
  }
}
