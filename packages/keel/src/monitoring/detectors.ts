import {
  createAdwin,
  createDdm,
  createPageHinkley,
  type ChangeDetector,
  type FeatureReferenceProfile,
} from '@keel/core'
import type { JoinedLabel, PredictionEvent } from '../stores/events/index.js'
import type { MonitoringConfig } from './config.js'
import {
  classProbabilities,
  encodeLabel,
  eventOutput,
  predictedClass,
  type TaskInfo,
} from './event-values.js'

/** Where a streaming detector fired. */
export interface DetectorFiring {
  /** Position in the detector's stream (0-based). */
  readonly index: number
  /** Time of the prediction at that position (epoch ms). */
  readonly time: number
  readonly window: number
  readonly predictionId: string
}

/** One streaming change detector run over a stream derived from the log. */
export interface DetectorRun {
  readonly detector: 'adwin' | 'page_hinkley' | 'ddm'
  /** What was fed to it, in prediction-time order. */
  readonly stream: string
  readonly observations: number
  readonly detections: readonly DetectorFiring[]
  /** DDM only: observations spent in the warning zone. */
  readonly warnings?: number
  readonly skipped?: string
}

interface Point {
  readonly value: number
  readonly event: PredictionEvent
}

const run = (
  detector: DetectorRun['detector'],
  stream: string,
  points: readonly Point[],
  make: () => ChangeDetector & { readonly warningDetected?: boolean },
  windowOf: ReadonlyMap<string, number>,
): DetectorRun => {
  if (points.length === 0) {
    return { detector, stream, observations: 0, detections: [], skipped: 'no observations' }
  }
  const d = make()
  const detections: DetectorFiring[] = []
  let warnings = 0
  points.forEach((p, index) => {
    d.update(p.value)
    if (d.warningDetected) warnings++
    if (d.driftDetected) {
      detections.push({
        index,
        time: p.event.time,
        window: windowOf.get(p.event.id) ?? -1,
        predictionId: p.event.id,
      })
    }
  })
  return {
    detector,
    stream,
    observations: points.length,
    detections,
    ...(detector === 'ddm' ? { warnings } : {}),
  }
}

/** Per-prediction loss: |y − p(positive)|, 1 − p(true class), or |y − ŷ|. */
const lossOf = (j: JoinedLabel, info: TaskInfo): number | null => {
  const y = encodeLabel(j.label.label, info)
  if (y === null) return null
  if (info.task === 'regression') {
    const v = Number(j.prediction.output.prediction)
    return Number.isFinite(v) ? Math.abs(y - v) : null
  }
  const p = classProbabilities(j.prediction, info)
  if (!p) return null
  return info.task === 'binary' ? Math.abs(y - p[1]!) : 1 - p[y]!
}

const standardizer = (
  values: readonly number[],
  reference: FeatureReferenceProfile | null,
  warmup: number,
): ((v: number) => number) => {
  if (reference?.kind === 'numeric' && reference.std > 0) {
    return (v) => (v - reference.mean) / reference.std
  }
  const head = values.slice(0, Math.min(values.length, warmup))
  const mean = head.reduce((s, v) => s + v, 0) / Math.max(1, head.length)
  const sd = Math.sqrt(head.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, head.length - 1))
  return (v) => (v - mean) / (sd > 0 ? sd : 1)
}

/**
 * Run the streaming detectors over the log in prediction-time order: ADWIN over the per-prediction
 * loss of labelled predictions, Page–Hinkley over the standardized model output of every
 * prediction (it needs no labels, so it reacts first), and DDM over the 0/1 error stream of
 * labelled classification predictions.
 */
export const runDetectors = (
  predictions: readonly PredictionEvent[],
  joined: readonly JoinedLabel[],
  info: TaskInfo,
  outputReference: FeatureReferenceProfile | null,
  windowOf: ReadonlyMap<string, number>,
  config: MonitoringConfig,
): DetectorRun[] => {
  const c = config.detectors
  const labelled = [...joined].sort(
    (a, b) => a.prediction.time - b.prediction.time || (a.prediction.id < b.prediction.id ? -1 : 1),
  )
  const losses: Point[] = []
  const errors: Point[] = []
  for (const j of labelled) {
    const loss = lossOf(j, info)
    if (loss !== null) losses.push({ value: loss, event: j.prediction })
    if (info.task === 'regression') continue
    const y = encodeLabel(j.label.label, info)
    const k = predictedClass(j.prediction, info)
    if (y !== null && k >= 0) errors.push({ value: k === y ? 0 : 1, event: j.prediction })
  }
  const raw: { value: number; event: PredictionEvent }[] = []
  for (const e of predictions) {
    const v = info.task === 'multiclass' ? e.output.confidence : eventOutput(e, info)
    if (typeof v === 'number' && Number.isFinite(v)) raw.push({ value: v, event: e })
  }
  const z = standardizer(
    raw.map((p) => p.value),
    info.task === 'multiclass' ? null : outputReference,
    Math.max(config.minRows, 100),
  )
  const outputs = raw.map((p) => ({ value: z(p.value), event: p.event }))
  const lossName = {
    binary: '|label − p(positive)| of labelled predictions',
    multiclass: '1 − p(true class) of labelled predictions',
    regression: '|label − prediction| of labelled predictions',
  }[info.task]
  const outputName =
    info.task === 'multiclass'
      ? 'standardized confidence of every prediction'
      : 'standardized model output of every prediction'
  const runs = [
    run('adwin', lossName, losses, () => createAdwin({ delta: c.adwinDelta }), windowOf),
    run(
      'page_hinkley',
      outputName,
      outputs,
      () => createPageHinkley({ threshold: c.pageHinkleyThreshold, delta: c.pageHinkleyDelta }),
      windowOf,
    ),
  ]
  if (info.task !== 'regression') {
    runs.push(
      run(
        'ddm',
        '0/1 error of labelled predictions',
        errors,
        () =>
          createDdm({
            warmStart: c.ddmWarmStart,
            driftThreshold: c.ddmDriftThreshold,
            warningThreshold: c.ddmWarningThreshold,
          }),
        windowOf,
      ),
    )
  }
  return runs
}
