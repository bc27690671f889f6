import {
  checkInputRows,
  KeelError,
  predictionRecord,
  type Issue,
  type ModelBundle,
  type PredictionRecord,
} from '@keel/core'
import { readFrame } from '../data/index.js'
import type { KeelEvent, LabelEvent, LabelValue, PredictionEvent } from '../stores/events/index.js'

/**
 * What a file holds: `input` rows (model inputs, as `keel predict -i` reads them; the bundle
 * predicts them here) or a `batch` output (`keel predict -o`: `prediction`, `confidence`, `defer`,
 * `p_<class>` and the passthrough columns).
 */
export type FileRole = 'input' | 'batch'

/** A file's rows as the prediction (and label) events the monitor reads from a log. */
export interface FileTraffic {
  readonly events: readonly KeelEvent[]
  readonly rows: number
  /** Input rows that break the bundle's input schema: not predicted, so not monitored. */
  readonly rejected: number
  /** The first few of their problems, row numbers counted from 0 in the file. */
  readonly issues: readonly Issue[]
  /** Model inputs that are not columns of the file (a batch output without passthrough). */
  readonly absentInputs: readonly string[]
  /** Rows whose label column holds a value (each becomes a label event). */
  readonly labelled: number
}

/** Options of {@link fileTraffic}. */
export interface FileTrafficOptions {
  readonly bundle: ModelBundle
  readonly path: string
  readonly role: FileRole
  readonly model: string
  readonly version: string
  /** The time every event carries (epoch ms): a file is one moment, not a stream. */
  readonly time: number
  /** Directory a relative `path` resolves against. */
  readonly cwd?: string
}

const labelValue = (v: unknown): LabelValue | null =>
  typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))
    ? v
    : null

/** The prediction record of one row of a `keel predict -o` output. */
const batchRecord = (
  row: Readonly<Record<string, unknown>>,
  classes: readonly string[] | undefined,
): PredictionRecord => {
  const prediction = row['prediction']
  if (typeof prediction !== 'string' && typeof prediction !== 'number') {
    throw new KeelError('SCHEMA_MISMATCH', 'a batch output row has no prediction', {
      hint: 'pass the output of keel predict -o, or the input rows with --input',
    })
  }
  const defer = row['defer'] === true
  if (!classes) return { prediction, defer }
  const probabilities: Record<string, number> = {}
  for (const c of classes) {
    const p = row[`p_${c}`]
    if (typeof p === 'number') probabilities[c] = p
  }
  const confidence = row['confidence']
  return {
    prediction: String(prediction),
    probabilities,
    ...(typeof confidence === 'number' ? { confidence } : {}),
    defer,
  }
}

/**
 * Turn a file into the events a served model would have logged for it, all at `time`: input rows
 * are checked and predicted exactly as `keel predict` does (rows that break the input schema are
 * counted, not predicted); a batch output's predictions are read back as written. A column named
 * like the bundle's label yields a label event per row, so performance is measured too.
 */
export const fileTraffic = async (o: FileTrafficOptions): Promise<FileTraffic> => {
  const { bundle } = o
  const kinds = Object.fromEntries(
    bundle.inputs.filter((f) => f.kind === 'text').map((f) => [f.name, 'text' as const]),
  )
  const frame = await readFrame({ path: o.path }, { kinds, ...(o.cwd ? { baseDir: o.cwd } : {}) })
  const names = new Set(frame.columnNames)
  if (o.role === 'batch' && !names.has('prediction')) {
    throw new KeelError('SCHEMA_MISMATCH', `${o.path} has no "prediction" column`, {
      path: [o.path],
      hint: 'pass the output of keel predict -o with --batch, or input rows with --input',
    })
  }
  const absentInputs = bundle.inputs.filter((f) => !names.has(f.name)).map((f) => f.name)
  const rows = frame.toRows()
  const inputOf = (row: Readonly<Record<string, unknown>>): Record<string, unknown> =>
    Object.fromEntries(
      bundle.inputs.filter((f) => names.has(f.name)).map((f) => [f.name, row[f.name]]),
    )
  const records = new Array<PredictionRecord | null>(rows.length).fill(null)
  let issues: Issue[] = []
  let rejected = 0
  if (o.role === 'batch') {
    rows.forEach((row, i) => (records[i] = batchRecord(row, bundle.label.classes)))
  } else {
    const inputs = rows.map(inputOf)
    const limits = {
      maxRows: Math.max(1, rows.length),
      maxFields: 100_000,
      maxStringLength: 1_000_000,
    }
    const bad = new Set<number>()
    const check = checkInputRows(inputs, bundle.inputs, limits)
    if (!check.ok) {
      // Row by row, to keep every row that passes (the whole-table check stops at 100 issues).
      issues = check.issues.slice(0, 5)
      inputs.forEach((row, i) => {
        if (!checkInputRows([row], bundle.inputs, limits).ok) bad.add(i)
      })
    }
    const good = inputs.flatMap((row, i) => (bad.has(i) ? [] : [{ row, i }]))
    rejected = bad.size
    if (good.length > 0) {
      const predicted = bundle.predictRows(
        good.map((g) => g.row),
        limits,
      ).predictions
      good.forEach((g, k) => (records[g.i] = predictionRecord(predicted, k)))
    }
  }
  const events: KeelEvent[] = []
  const labels: LabelEvent[] = []
  const labelColumn = bundle.label.column
  rows.forEach((row, i) => {
    const output = records[i]
    if (!output) return
    const id = `file:${i}`
    const event: PredictionEvent = {
      kind: 'prediction',
      id,
      requestId: id,
      time: o.time,
      model: o.model,
      version: o.version,
      inputs: inputOf(row),
      output,
      source: 'batch',
    }
    events.push(event)
    const label = names.has(labelColumn) ? labelValue(row[labelColumn]) : null
    if (label !== null) {
      labels.push({ kind: 'label', id: `file-label:${i}`, time: o.time, predictionId: id, label })
    }
  })
  return {
    events: [...events, ...labels],
    rows: rows.length,
    rejected,
    issues,
    absentInputs,
    labelled: labels.length,
  }
}
