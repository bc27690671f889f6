import { KeelError } from '@keel/core'
import { startEventArchive, type EventArchive } from './archive-parquet.js'
import { entityKeyString } from './join-labels.js'
import type { EventLog, EventScan, KeelEvent, LabelEvent, PredictionEvent } from './types.js'

/** How long the log keeps events, and how large it may grow. */
export interface RetentionPolicy {
  /** Events whose time is older than this (ms before now) expire. */
  readonly maxAgeMs?: number
  /**
   * Most bytes the log may take in its backend: beyond it, the oldest events (in append order)
   * expire until it fits (the sizes of the events' JSON are counted, a slight under-estimate of
   * what the backend frees, so the log ends at or under the bound).
   */
  readonly maxBytes?: number
  /**
   * The label-join horizon (ms, default 30 days: `joinLabels`' default lookback). An expiring
   * prediction made within it whose label has not arrived yet is kept, so that a late label still
   * finds it. It expires on a later run, once labelled or older than the horizon.
   */
  readonly labelHorizonMs?: number
}

/** Options of {@link pruneEvents}. */
export interface PruneOptions extends RetentionPolicy {
  /** Archive the expiring events to a Parquet file in this folder before they are removed. */
  readonly exportDir?: string
  /** Only report what would expire: nothing is written or removed. */
  readonly dryRun?: boolean
  /** The time the age and horizon are measured from (epoch ms, default now). */
  readonly now?: number
}

/** What a retention run did (or, dry, would do). */
export interface PruneResult {
  readonly backend: string
  readonly dryRun: boolean
  /** The policy applied, as text. */
  readonly policy: string
  readonly usedBytesBefore: number
  /** After the removal (equal to before on a dry run). */
  readonly usedBytesAfter: number
  /** The expiring events: removed (or, dry, to be removed). */
  readonly expiring: {
    readonly events: number
    readonly predictions: number
    readonly labels: number
    /** Size of their JSON. */
    readonly bytes: number
    /** Earliest and latest event time among them (epoch ms), null when none. */
    readonly from: number | null
    readonly to: number | null
  }
  /** Expiring predictions kept because their label may still arrive (within the horizon). */
  readonly keptForLabels: number
  /** Events the backend removed (0 on a dry run). */
  readonly removed: number
  /** The Parquet archive written, null when none was asked for or nothing expired. */
  readonly archive: { readonly file: string; readonly events: number } | null
}

/** The label-join horizon used when none is given: 30 days, `joinLabels`' default lookback. */
export const DEFAULT_LABEL_HORIZON_MS = 30 * 86_400_000

const BYTE_UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
}

/**
 * A size in bytes from `'500MB'`, `'5GB'`, `'2GiB'`, `'1024'` (decimal units are powers of 1000,
 * `KiB`/`MiB`/`GiB` powers of 1024). Unreadable or non-positive values are `INVALID_ARGUMENT`.
 */
export const parseByteSize = (value: string | number): number => {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value > 0) return Math.floor(value)
  } else {
    const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim())
    const unit = BYTE_UNITS[(m?.[2] || 'b').toLowerCase()]
    if (m && unit !== undefined) {
      const bytes = Math.floor(Number(m[1]) * unit)
      if (bytes > 0) return bytes
    }
  }
  throw new KeelError('INVALID_ARGUMENT', `not a size: ${String(value)}`, {
    hint: 'use a number of bytes or a size such as 500MB, 5GB or 2GiB',
  })
}

const DAY = 86_400_000
const showMs = (ms: number): string => (ms % DAY === 0 ? `${ms / DAY}d` : `${ms}ms`)

/** The policy as text, for records and output. */
export const describePolicy = (p: RetentionPolicy): string =>
  [
    p.maxAgeMs === undefined ? null : `max-age ${showMs(p.maxAgeMs)}`,
    p.maxBytes === undefined ? null : `max-bytes ${p.maxBytes}`,
    `label horizon ${showMs(p.labelHorizonMs ?? DEFAULT_LABEL_HORIZON_MS)}`,
  ]
    .filter((s) => s !== null)
    .join(', ')

const checkPolicy = (o: PruneOptions): void => {
  const bad = (v: number | undefined): boolean => v !== undefined && !(Number.isFinite(v) && v > 0)
  const issues = (
    [
      ['maxAgeMs', o.maxAgeMs],
      ['maxBytes', o.maxBytes],
      ['labelHorizonMs', o.labelHorizonMs],
    ] as const
  ).filter(([, v]) => bad(v))
  if (issues.length > 0)
    throw new KeelError('INVALID_ARGUMENT', `retention needs positive numbers`, {
      issues: issues.map(([k, v]) => ({
        code: 'invalid_value',
        path: [k],
        message: `${k} must be a positive number, got ${String(v)}`,
      })),
    })
  if (o.maxAgeMs === undefined && o.maxBytes === undefined)
    throw new KeelError(
      'INVALID_ARGUMENT',
      'retention needs a maximum age, a maximum size or both',
      {
        hint: 'e.g. keel events prune --max-age 30d --max-bytes 5GB',
      },
    )
}

/**
 * Which predictions still wait for a label: the labels that arrived within the horizon, by
 * prediction id and by entity (the latest labelled event time per entity and model).
 */
const labelIndex = async (
  log: EventLog,
  from: number,
): Promise<(p: PredictionEvent) => boolean> => {
  const ids = new Set<string>()
  const entities = new Map<string, number>()
  for await (const { event } of scanWithPositions(log, { from, kinds: ['label'] })) {
    const l = event as LabelEvent
    if (l.predictionId !== undefined) ids.add(l.predictionId)
    if (l.entity !== undefined && l.eventTime !== undefined) {
      const key = `${l.model ?? ''}\u0000${entityKeyString(l.entity)}`
      entities.set(key, Math.max(entities.get(key) ?? -Infinity, l.eventTime))
    }
  }
  return (p) => {
    if (ids.has(p.id) || (p.id.endsWith(':0') && ids.has(p.requestId))) return true
    if (p.entity === undefined) return false
    const key = entityKeyString(p.entity)
    // A natural label matches the latest prediction at or before its event time (as-of join).
    const at = Math.max(
      entities.get(`${p.model}\u0000${key}`) ?? -Infinity,
      entities.get(`\u0000${key}`) ?? -Infinity,
    )
    return at >= p.time
  }
}

async function* scanWithPositions(
  log: EventLog,
  query: Omit<EventScan, 'after' | 'withPositions'>,
): AsyncGenerator<{ event: KeelEvent; position: string }> {
  let after: string | undefined
  for (;;) {
    const q = { ...query, withPositions: true, ...(after === undefined ? {} : { after }) }
    const page = await log.scan(q)
    const positions = page.positions ?? []
    for (let i = 0; i < page.events.length; i++)
      yield { event: page.events[i]!, position: positions[i]! }
    if (page.done || page.cursor === null) return
    after = page.cursor
  }
}

/**
 * Apply a retention policy to an event log: events older than `maxAgeMs` expire, then the oldest
 * events in append order while the log is over `maxBytes`. Predictions made within the label-join
 * horizon whose label has not arrived (by prediction id, or by entity at or after their time)
 * never expire: they are kept and counted in `keptForLabels`. The expiring events are archived to
 * one Parquet file in `exportDir` first (when given), and removed only once the file is complete
 * and synced; if the removal then fails, the next run archives them again (ids are unique, so
 * duplicates across archives are recognisable).
 *
 * @example
 * await pruneEvents(log, { maxAgeMs: 30 * 86_400_000, maxBytes: 5e9, exportDir: '.keel/archive' })
 */
export const pruneEvents = async (log: EventLog, options: PruneOptions): Promise<PruneResult> => {
  checkPolicy(options)
  const now = options.now ?? Date.now()
  const horizon = options.labelHorizonMs ?? DEFAULT_LABEL_HORIZON_MS
  const dryRun = options.dryRun ?? false
  const policy = describePolicy({ ...options, labelHorizonMs: horizon })
  const labelled = await labelIndex(log, now - horizon)
  const usedBytesBefore = await log.usedBytes()

  const chosen = new Set<string>()
  const positions: string[] = []
  const kept = new Set<string>()
  let archive: EventArchive | null = null
  if (options.exportDir !== undefined && !dryRun) {
    const stamp = new Date(now)
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z')
    archive = await startEventArchive(options.exportDir, `keel-events-${stamp}-${log.backend}`)
  }
  const stats = { events: 0, predictions: 0, labels: 0, bytes: 0, from: Infinity, to: -Infinity }
  /** Expire `event` unless a label may still come for it; returns its size when it expires. */
  const expire = (event: KeelEvent, position: string): number => {
    if (chosen.has(position) || kept.has(position)) return 0
    if (event.kind === 'prediction' && event.time >= now - horizon && !labelled(event)) {
      kept.add(position)
      return 0
    }
    const bytes = Buffer.byteLength(JSON.stringify(event))
    chosen.add(position)
    positions.push(position)
    archive?.add(event)
    stats.events++
    stats[event.kind === 'prediction' ? 'predictions' : 'labels']++
    stats.bytes += bytes
    stats.from = Math.min(stats.from, event.time)
    stats.to = Math.max(stats.to, event.time)
    return bytes
  }

  try {
    if (options.maxAgeMs !== undefined) {
      for await (const { event, position } of scanWithPositions(log, {
        to: now - options.maxAgeMs,
      }))
        expire(event, position)
    }
    if (options.maxBytes !== undefined && usedBytesBefore - stats.bytes > options.maxBytes) {
      let over = usedBytesBefore - stats.bytes - options.maxBytes
      for await (const { event, position } of scanWithPositions(log, {})) {
        over -= expire(event, position)
        if (over <= 0) break
      }
    }
  } catch (e) {
    archive?.abort()
    throw e
  }

  let written: PruneResult['archive'] = null
  let removed = 0
  if (archive && archive.count === 0) archive.abort()
  else if (archive) written = { file: await archive.finish(), events: archive.count }
  if (!dryRun && positions.length > 0) {
    removed = await log.remove(positions, {
      at: now,
      policy,
      ...(written ? { archive: written.file } : {}),
    })
  }
  const none = stats.events === 0
  return {
    backend: log.backend,
    dryRun,
    policy,
    usedBytesBefore,
    usedBytesAfter: dryRun ? usedBytesBefore : await log.usedBytes(),
    expiring: {
      events: stats.events,
      predictions: stats.predictions,
      labels: stats.labels,
      bytes: stats.bytes,
      from: none ? null : stats.from,
      to: none ? null : stats.to,
    },
    keptForLabels: kept.size,
    removed,
    archive: written,
  }
}
