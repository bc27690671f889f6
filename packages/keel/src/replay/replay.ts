import { randomBytes } from 'node:crypto'
import { createRng, KeelError, type Frame, type SchemaContract } from '@keel/core'
import type { Project } from '../project/index.js'
import type { EventLog } from '../stores/events/index.js'
import { monitorWindows } from '../monitoring/index.js'
import { writeMonitoringReport } from '../reports/index.js'
import { createServer } from '../serving/index.js'
import { createRegistryBundleSource } from '../serving/registry-bundle-source.js'
import type { KeelStores } from '../stores/index.js'
import type { ProgressReporter } from '../util/progress.js'
import { openProjectEventLog, openProjectStores } from '../project/workspace.js'
import { planReplay, type LabelArrival } from './plan.js'
import { summarizeReplay, type ReplayFeatureSummary, type ReplaySummary } from './summary.js'
import { replayTraffic } from './traffic.js'
import {
  cachedViewRows,
  checkConsistency,
  lookupView,
  materializeService,
  type ProjectFeatureStore,
  type ResolvedService,
} from '../features/index.js'

/** Options of {@link replayHeldOut}. */
export interface ReplayOptions {
  readonly project: Project
  /** The registered model and version to serve (what training registered). */
  readonly model: string
  readonly version: number
  /**
   * Ask the service for this alias (e.g. `production`) instead of the version; it must point at
   * `version`, so the monitor compares against the bundle that answered.
   */
  readonly alias?: string
  /** The prepared frame training used. */
  readonly frame: Frame
  /** Rows of `frame` to replay: the held-out period (e.g. a time split's test rows). */
  readonly rows: ArrayLike<number>
  /** The event-time column of `frame` (epoch ms): the order and times of the predictions. */
  readonly time: string
  /** When each row's label reaches the service (dataset-specific, e.g. `flightsLabelArrival`). */
  readonly labelArrival: LabelArrival
  /** Rows of `frame` the model was trained on: the reference for adversarial validation. */
  readonly trainRows: ArrayLike<number>
  /**
   * The start and end of the replayed period (epoch ms): monitoring covers exactly this range, as
   * of its end. Default: the whole UTC days of the rows sent ({@link replayPeriod}).
   */
  readonly from?: number
  readonly to?: number
  /** Rows to replay at most (seeded sample; default 20 000). */
  readonly sample?: number
  /** Rows per predict request (default 200). */
  readonly batchSize?: number
  /** Predict requests in flight at most (default 4). */
  readonly concurrency?: number
  readonly seed?: number
  readonly progress?: ProgressReporter
  /** Stores to use (default: the project's, opened and closed here). */
  readonly stores?: KeelStores
  /** The event log (default: the project's, opened and closed here; a given one stays open). */
  readonly eventLog?: EventLog
  /**
   * Serve through the feature store: requests carry entity keys instead of the service's
   * features, the service fetches them from the online store, and the online store is
   * materialized up to each period of `everyMs` before that period's requests (a rebuild at the
   * first, incremental after), as a scheduler would keep it in production. After the traffic, the
   * logged feature values are checked against the offline point-in-time values.
   */
  readonly features?: ReplayFeatures
}

/** The feature store a replay serves through (see {@link ReplayOptions.features}). */
export interface ReplayFeatures {
  readonly store: ProjectFeatureStore
  /** The bundle's feature service (its lineage names it). */
  readonly service: ResolvedService
  /** Materialization cadence of simulated time (ms), e.g. an hour. */
  readonly everyMs: number
  /** Predictions the consistency check compares (default 1000). */
  readonly checkSample?: number
}

/** The default number of rows a replay sends: enough for weekly windows of ~4–5k rows. */
export const DEFAULT_REPLAY_SAMPLE = 20_000

/**
 * The period a replay covers, in whole UTC days: from midnight of the first event time to midnight
 * after the last (June 2001 for the flights test split).
 */
export const replayPeriod = (times: readonly number[]): { from: number; to: number } => {
  let lo = Infinity
  let hi = -Infinity
  for (const t of times) {
    if (t < lo) lo = t
    if (t > hi) hi = t
  }
  if (!(hi >= lo)) throw new KeelError('INVALID_DATA', 'no dated rows to replay')
  return { from: Math.floor(lo / DAY) * DAY, to: (Math.floor(hi / DAY) + 1) * DAY }
}

const DAY = 86_400_000

/** Training rows given to adversarial validation at most (it samples 5 000 a side itself). */
const REFERENCE_ROWS = 20_000

/**
 * Replay a held-out period as live traffic: serve the registered bundle on 127.0.0.1 (an ephemeral
 * port, the real HTTP server, in this process), send the period's rows as predict requests in
 * event-time order with each label posted when `labelArrival` says it arrives, then monitor the
 * period week by week against the bundle's training reference and write the HTML and JSON report.
 * The label column is the project's (boolean, for a binary bundle).
 */
export const replayHeldOut = async (o: ReplayOptions): Promise<ReplaySummary> => {
  const progress = o.progress
  const seed = o.seed ?? o.project.config.seed
  const stores = o.stores ?? (await openProjectStores(o.project))
  let log: EventLog | undefined
  try {
    const source = createRegistryBundleSource(stores)
    const version = String(o.version)
    if (o.alias !== undefined) {
      const aliased = await source.resolveVersion(o.model, { alias: o.alias })
      if (aliased !== version) {
        throw new KeelError(
          'CONFLICT',
          `${o.model}:${o.alias} points at v${aliased}, not at v${version}, the version to replay`,
        )
      }
    }
    const bundle = await source.load(o.model, version)
    // With a feature store, requests carry keys: the service's features come from the store.
    const fetched = new Set(o.features?.service.outputs.map((x) => x.name) ?? [])
    const plan = planReplay(o.frame, o.rows, {
      inputs: bundle.inputs.filter((f) => !fetched.has(f.name)),
      time: o.time,
      label: o.project.config.label.column,
      labelArrival: o.labelArrival,
      classes: bundle.label.classes ?? [],
      sample: o.sample ?? DEFAULT_REPLAY_SAMPLE,
      seed,
    })
    const eventLog = o.eventLog ?? (await openProjectEventLog(o.project))
    log = eventLog
    const period = replayPeriod(plan.map((f) => f.time))
    const from = o.from ?? period.from
    const to = o.to ?? period.to
    const token = randomBytes(24).toString('base64url')
    const server = createServer({
      source,
      eventLog: borrowed(eventLog),
      token,
      reloadIntervalMs: 0,
      defaultMetrics: false,
      ...(o.features
        ? {
            features: {
              featureStore: o.features.store.definitions,
              onlineStore: o.features.store.online,
            },
          }
        : {}),
    })
    const materialize = o.features ? replayMaterializer(o.features, plan[0]?.time ?? from) : null
    progress?.phase(`replaying ${plan.length} held-out rows through the prediction service`)
    let traffic
    let url: string
    const c0 = process.cpuUsage()
    try {
      const info = await server.listen({ port: 0, hostname: '127.0.0.1' })
      url = info.url
      traffic = await replayTraffic(plan, {
        url,
        token,
        model: o.model,
        version,
        ...(o.alias === undefined ? {} : { alias: o.alias }),
        cutoff: to,
        ...(o.batchSize === undefined ? {} : { batchSize: o.batchSize }),
        ...(o.concurrency === undefined ? {} : { concurrency: o.concurrency }),
        ...(progress ? { progress } : {}),
        ...(materialize ? { tick: { everyMs: o.features!.everyMs, run: materialize.run } } : {}),
      })
    } finally {
      // Graceful shutdown flushes the prediction log before the monitor reads it.
      await server.close()
    }

    const trafficCpu = cpuSeconds(c0)
    let features: ReplayFeatureSummary | undefined
    if (o.features && materialize) {
      progress?.phase('checking the served feature values against the offline store')
      const k0 = performance.now()
      const consistency = await checkConsistency({
        events: eventLog,
        store: o.features.store.definitions,
        service: o.features.service.name,
        lookupView,
        pushedRows: o.features.store.readRows,
        model: o.model,
        from,
        to,
        sample: o.features.checkSample ?? 1000,
        seed,
      })
      features = {
        service: o.features.service.name,
        version: o.features.service.version,
        ...materialize.totals(),
        consistency,
        checkSeconds: (performance.now() - k0) / 1000,
      }
    }
    progress?.phase('monitoring the replayed weeks against the training reference')
    const m0 = performance.now()
    const c1 = process.cpuUsage()
    const reference = sampleRows(o.trainRows, REFERENCE_ROWS, seed)
    const report = await monitorWindows({
      eventLog,
      bundle,
      model: o.model,
      version,
      bundleVersion: version,
      from,
      to,
      window: { by: 'time', size: '7d' },
      // Labels arriving after the period ends are not in yet: the report is as of its end.
      asOf: to,
      config: (o.project.config as { monitoring?: object }).monitoring ?? {},
      referenceSample: o.frame.take(reference),
      rowChecks: (o.project.config.schema as SchemaContract | undefined)?.checks ?? [],
    })
    const paths = await writeMonitoringReport(report, { workspace: o.project.workspace })
    const monitorSeconds = (performance.now() - m0) / 1000
    return summarizeReplay({
      ...(features ? { features } : {}),
      url,
      alias: o.alias,
      traffic,
      report,
      paths,
      monitorSeconds,
      cpuSeconds: { traffic: trafficCpu, monitor: cpuSeconds(c1) },
    })
  } finally {
    if (!o.eventLog) await log?.close()
    if (!o.stores) await stores.close()
  }
}

/**
 * Materialization driven by the replay's clock: each view of the service is read once (kept in
 * memory from the replay's start), rebuilt as of the first period, then brought forward
 * incrementally at every period.
 */
const replayMaterializer = (features: ReplayFeatures, start: number) => {
  const { store, service } = features
  const readRows = cachedViewRows(
    store.readRows,
    Math.floor(start / features.everyMs) * features.everyMs,
  )
  let first = true
  let materializations = 0
  let keysWritten = 0
  let seconds = 0
  return {
    run: async (t: number): Promise<void> => {
      const t0 = performance.now()
      const done = await materializeService(service, {
        readRows,
        online: store.online,
        state: store.state,
        target: store.target,
        to: t,
        now: t,
        ...(first ? { full: true } : {}),
      })
      first = false
      materializations += done.length
      for (const d of done) keysWritten += d.keysWritten
      seconds += (performance.now() - t0) / 1000
    },
    totals: () => ({ materializations, keysWritten, materializeSeconds: seconds }),
  }
}

/**
 * The log as the server sees it: the server closes its log on shutdown, but monitoring reads the
 * same log afterwards, so the server gets a view whose close does nothing.
 */
const borrowed = (log: EventLog): EventLog => ({
  backend: log.backend,
  append: (events) => log.append(events),
  scan: (query) => log.scan(query),
  usedBytes: () => log.usedBytes(),
  remove: (positions, note) => log.remove(positions, note),
  close: () => Promise.resolve(),
})

/** CPU seconds of this process (user + system) since `since`: the server and the client both. */
const cpuSeconds = (since: NodeJS.CpuUsage): number => {
  const c = process.cpuUsage(since)
  return (c.user + c.system) / 1e6
}

const sampleRows = (rows: ArrayLike<number>, k: number, seed: number): Int32Array => {
  const all = Int32Array.from(rows)
  if (all.length <= k) return all
  const rng = createRng(seed).fork('replay-reference')
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(all.length - i)
    const t = all[i]!
    all[i] = all[j]!
    all[j] = t
  }
  return all.slice(0, k).sort()
}
