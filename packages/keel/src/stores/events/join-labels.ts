import { KeelError } from '@keel/core'
import { canonicalJson } from './canonical-json.js'
import {
  readEvents,
  type EntityKey,
  type EventLog,
  type LabelEvent,
  type PredictionEvent,
} from './types.js'

/** Which labels to join, and how far back their predictions may lie. */
export interface JoinLabelsOptions {
  /** Labels that arrived at or after this time (epoch ms). */
  readonly from: number
  /** Labels that arrived before this time (epoch ms). */
  readonly to: number
  /** Only predictions of this model. */
  readonly model?: string
  /**
   * How long before `from` a labelled prediction may have been made (ms, default 30 days): the
   * longest feedback loop the join looks for.
   */
  readonly lookbackMs?: number
}

/** A prediction with the label that arrived for it. */
export interface JoinedLabel {
  readonly prediction: PredictionEvent
  readonly label: LabelEvent
  /** How the two were matched. */
  readonly via: 'prediction_id' | 'entity'
  /** Label arrival minus prediction time: this prediction's feedback-loop length (ms). */
  readonly latencyMs: number
}

/** Summary of feedback-loop lengths over the joined labels (ms). */
export interface LabelLatency {
  readonly count: number
  readonly meanMs: number
  readonly p50Ms: number
  readonly p90Ms: number
  readonly p99Ms: number
  readonly maxMs: number
}

/** The result of {@link joinLabels}. */
export interface LabelJoin {
  /** One entry per labelled prediction (the latest-arriving label wins), in label arrival order. */
  readonly joined: readonly JoinedLabel[]
  /** Labels for which no prediction was found in the window. */
  readonly unmatched: readonly LabelEvent[]
  /** Earlier labels for a prediction that a later label corrected. */
  readonly superseded: readonly LabelEvent[]
  readonly latency: LabelLatency | null
}

/** The string a prediction and a label share when they are about the same entity. */
export const entityKeyString = (entity: EntityKey): string => canonicalJson(entity)

/**
 * Join predictions with the labels that arrived for them in `[from, to)`.
 *
 * A label with a `predictionId` matches that prediction (a bare request id matches row 0 of a
 * one-row request). A label with an `entity` and `eventTime` — a natural label, such as a flight's
 * arrival delay — matches the latest prediction for the same entity made at or before the event
 * time, the as-of rule that keeps a prediction made after the outcome from being credited with it.
 * When several labels reach one prediction, the latest-arriving one wins (a correction) and the
 * others are reported as superseded.
 */
export const joinLabels = async (log: EventLog, options: JoinLabelsOptions): Promise<LabelJoin> => {
  const { from, to } = options
  if (!(Number.isFinite(from) && Number.isFinite(to) && from <= to)) {
    throw new KeelError(
      'INVALID_ARGUMENT',
      `joinLabels needs finite from <= to, got ${from}..${to}`,
    )
  }
  const labels: LabelEvent[] = []
  const wantIds = new Set<string>()
  const wantEntities = new Set<string>()
  for await (const e of readEvents(log, { from, to, kinds: ['label'] })) {
    if (e.kind !== 'label') continue
    if (options.model !== undefined && e.model !== undefined && e.model !== options.model) continue
    labels.push(e)
    if (e.predictionId !== undefined) {
      wantIds.add(e.predictionId)
      wantIds.add(`${e.predictionId}:0`)
    } else if (e.entity !== undefined) wantEntities.add(entityKeyString(e.entity))
  }
  const byId = new Map<string, PredictionEvent>()
  const byEntity = new Map<string, PredictionEvent[]>()
  if (labels.length > 0) {
    const scan = {
      from: from - (options.lookbackMs ?? 30 * 86_400_000),
      to,
      kinds: ['prediction'] as const,
      ...(options.model === undefined ? {} : { model: options.model }),
    }
    for await (const e of readEvents(log, scan)) {
      if (e.kind !== 'prediction') continue
      if (wantIds.has(e.id)) byId.set(e.id, e)
      if (e.entity !== undefined) {
        const key = entityKeyString(e.entity)
        if (wantEntities.has(key)) {
          const list = byEntity.get(key)
          if (list) list.push(e)
          else byEntity.set(key, [e])
        }
      }
    }
    for (const list of byEntity.values()) list.sort((a, b) => a.time - b.time)
  }

  const winners = new Map<string, JoinedLabel>()
  const unmatched: LabelEvent[] = []
  const superseded: LabelEvent[] = []
  // Labels are processed in arrival order so that a later label replaces an earlier one.
  labels.sort((a, b) => a.time - b.time)
  for (const label of labels) {
    let prediction: PredictionEvent | undefined
    let via: JoinedLabel['via'] = 'prediction_id'
    if (label.predictionId !== undefined) {
      prediction = byId.get(label.predictionId) ?? byId.get(`${label.predictionId}:0`)
    } else if (label.entity !== undefined && label.eventTime !== undefined) {
      via = 'entity'
      prediction = latestAtOrBefore(
        byEntity.get(entityKeyString(label.entity)),
        label.eventTime,
        label.model,
      )
    }
    if (!prediction) {
      unmatched.push(label)
      continue
    }
    const previous = winners.get(prediction.id)
    if (previous) superseded.push(previous.label)
    winners.set(prediction.id, { prediction, label, via, latencyMs: label.time - prediction.time })
  }
  const joined = [...winners.values()].sort((a, b) => a.label.time - b.label.time)
  return {
    joined,
    unmatched,
    superseded,
    latency: summarizeLatency(joined.map((j) => j.latencyMs)),
  }
}

const latestAtOrBefore = (
  list: readonly PredictionEvent[] | undefined,
  time: number,
  model: string | undefined,
): PredictionEvent | undefined => {
  if (!list) return undefined
  // Binary search for the last prediction with time <= `time`, then step back past other models.
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (list[mid]!.time <= time) lo = mid + 1
    else hi = mid
  }
  for (let i = lo - 1; i >= 0; i--) {
    if (model === undefined || list[i]!.model === model) return list[i]
  }
  return undefined
}

const quantile = (sorted: readonly number[], q: number): number => {
  // Nearest-rank on the sorted sample: an observed latency, never an interpolated one.
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[i]!
}

const summarizeLatency = (values: number[]): LabelLatency | null => {
  if (values.length === 0) return null
  const sorted = values.slice().sort((a, b) => a - b)
  return {
    count: sorted.length,
    meanMs: sorted.reduce((s, v) => s + v, 0) / sorted.length,
    p50Ms: quantile(sorted, 0.5),
    p90Ms: quantile(sorted, 0.9),
    p99Ms: quantile(sorted, 0.99),
    maxMs: sorted[sorted.length - 1]!,
  }
}
