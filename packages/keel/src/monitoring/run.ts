/**
 * The monitoring run as one library call: resolve the monitored version, open the workspace's
 * stores and event log, run {@link monitorWindows} once or on an interval until aborted, and close
 * everything again. `keel monitor` and the continual-learning loop both call it; neither opens a
 * store or handles a signal itself.
 */
import { join } from 'node:path'
import { KeelError, type ModelBundle, type RowCheck, type SchemaContract } from '@keel/core'
import type { LookupView, ReadViewRows } from '../features/api.js'
import { declaredFeatureStore } from '../features/check/windows.js'
import type { Project } from '../project/index.js'
import {
  openProjectEventLog,
  openProjectStores,
  openWorkspaceStores,
  type WorkspacePaths,
} from '../project/workspace.js'
import { createMemoryEventLog, sqliteEventLogPath, type EventLog } from '../stores/events/index.js'
import { parseModelRef, type KeelStores, type ModelRef } from '../stores/index.js'
import type { MonitoringConfig, WindowSpec } from './config.js'
import { fileTraffic, type FileRole } from './file-traffic.js'
import { monitorWindows, parseMonitoringConfig } from './monitor-windows.js'
import { loadMonitoredBundle } from './registry-bundle.js'
import type { MonitoringReport } from './report.js'
import { parseDuration } from './windows.js'

/** Options of {@link runMonitoring}. */
export interface RunMonitoringOptions {
  /**
   * The project: its `monitoring` config, schema checks, model name, stores and workspace. Without
   * one, `paths` names a bare workspace and the monitoring defaults apply.
   */
  readonly project?: Project | null
  /** The workspace to monitor when there is no project (`workspaceOf(cwd)`). */
  readonly paths?: WorkspacePaths
  /** `name`, `name@<version>` or `name:<alias>` (default: the project's model). */
  readonly model?: string
  /** Monitor this version; only with a bare model name. */
  readonly version?: number
  /** Monitor the version this alias points at; only with a bare model name. */
  readonly alias?: string
  /** Include every version's predictions, not only the monitored version's. */
  readonly allVersions?: boolean
  /** Only predictions made at or after this time (ISO-8601). */
  readonly from?: string
  /** Only predictions made before this time (ISO-8601). */
  readonly to?: string
  /** How to cut the log; overrides the config's `window`. */
  readonly window?: WindowSpec
  /** POST new alerts to this URL instead of the config's webhook. */
  readonly webhook?: string
  /**
   * The event log: `sqlite` (the workspace log), `nats://…` or `sqlite:<path>` (default:
   * `KEEL_EVENTS`, else the workspace log).
   */
  readonly events?: string
  /**
   * Send fresh alerts and keep the alert state in the workspace (default: true). With `false` the
   * state is read but not written, so earlier alerts keep their first-seen time.
   */
  readonly notify?: boolean
  /** Run again every `interval` until `signal` aborts. */
  readonly watch?: boolean
  /** Time between runs with `watch`: a duration (`5m`) or milliseconds (default: 5m). */
  readonly interval?: string | number
  /** Stops a watch between runs (a run in progress finishes first). */
  readonly signal?: AbortSignal
  /** Called as the run moves on (`loading the bundle`, `monitoring toy v3 (alias production)`). */
  readonly onPhase?: (phase: string) => void
  /** Called with every report, once per run; a watch waits for it before sleeping. */
  readonly onReport?: (report: MonitoringReport) => void | Promise<void>
  /**
   * Monitor the rows of a file against the reference instead of the prediction log: `input` rows
   * (predicted here) or a `batch` output of `keel predict -o`. One window of every row unless
   * `window` counts rows; alerts are reported, not sent.
   */
  readonly file?: { readonly path: string; readonly role: FileRole }
  /** Directory a relative `file.path` resolves against (default: the project root). */
  readonly cwd?: string
  /**
   * The offline point-in-time engine. Given, and when the project declares feature services,
   * each window's served feature values are checked against it (`feature_skew` alerts).
   */
  readonly lookupView?: LookupView
  /** Rows of `push` views for `lookupView` (the offline feature log). */
  readonly pushedRows?: ReadViewRows
}

/** The default time between runs of a watch. */
export const DEFAULT_MONITOR_INTERVAL = '5m'

/** The reference a run monitors: an inline `name@3` / `name:alias`, or a name with options. */
const monitoredRef = (target: string, o: RunMonitoringOptions): ModelRef => {
  const parsed = parseModelRef(target)
  if (!/[@:]/.test(target))
    return {
      model: parsed.model,
      ...(o.version === undefined ? {} : { version: o.version }),
      ...(o.alias === undefined ? {} : { alias: o.alias }),
    }
  if (o.alias !== undefined || o.version !== undefined)
    throw new KeelError('INVALID_ARGUMENT', `${target} already names a version or alias`)
  return parsed
}

/** The workspace a run reads and writes: the project's, else the given paths. */
const workspacePaths = (o: RunMonitoringOptions): WorkspacePaths => {
  if (o.project) return { root: o.project.root, workspace: o.project.workspace }
  if (o.paths) return o.paths
  throw new KeelError('INVALID_ARGUMENT', 'monitoring needs a project or a workspace')
}

const openStoresFor = (o: RunMonitoringOptions, paths: WorkspacePaths): Promise<KeelStores> =>
  o.project ? openProjectStores(o.project) : openWorkspaceStores(paths)

/** The event log `keel serve` writes for the project rooted at `root` (`<root>/.keel/events.db`). */
const openLog = (root: string, events: string | undefined): Promise<EventLog> =>
  openProjectEventLog({ root }, events === 'sqlite' ? `sqlite:${sqliteEventLogPath(root)}` : events)

const abortableSleep = (ms: number, signal: AbortSignal | undefined): Promise<void> =>
  new Promise((done) => {
    if (signal?.aborted) return done()
    const timer = setTimeout(finish, ms)
    function finish(): void {
      clearTimeout(timer)
      signal?.removeEventListener('abort', finish)
      done()
    }
    signal?.addEventListener('abort', finish)
  })

/** Options that read the prediction log make no sense for a file. */
const checkFileOptions = (o: RunMonitoringOptions): void => {
  const clash = [
    ['watch', o.watch],
    ['from', o.from],
    ['to', o.to],
    ['allVersions', o.allVersions],
    ['events', o.events],
    ['webhook', o.webhook],
  ].find(([, v]) => v !== undefined && v !== false)
  if (clash) {
    throw new KeelError(
      'INVALID_ARGUMENT',
      `${String(clash[0])} reads the prediction log, not a file`,
      {
        path: [String(clash[0])],
        hint: 'monitor a file without it, or the served traffic without --input/--batch',
      },
    )
  }
  if (o.window?.by === 'time') {
    throw new KeelError('INVALID_ARGUMENT', 'a file has no time to cut windows by', {
      path: ['window'],
      hint: 'use count windows (--every <n>) or one window of every row',
    })
  }
}

/** The report of one file's rows: the same sections as served traffic, in one moment. */
const monitorFile = async (
  o: RunMonitoringOptions,
  file: { readonly path: string; readonly role: FileRole },
  c: {
    readonly bundle: ModelBundle
    readonly version: string
    readonly model: string
    readonly config: MonitoringConfig
    readonly rowChecks: readonly RowCheck[]
    readonly cwd: string
  },
): Promise<MonitoringReport> => {
  const time = Date.now()
  const traffic = await fileTraffic({
    bundle: c.bundle,
    path: file.path,
    role: file.role,
    model: c.model,
    version: c.version,
    time,
    cwd: c.cwd,
  })
  const predicted = traffic.rows - traffic.rejected
  if (predicted === 0) {
    throw new KeelError(
      traffic.rows === 0 ? 'INVALID_DATA' : 'VALIDATION_FAILED',
      traffic.rows === 0
        ? `${file.path} has no rows`
        : `no row of ${file.path} fits the model's inputs: ${traffic.issues[0]?.message ?? ''}`,
      { path: [file.path], issues: traffic.issues },
    )
  }
  const log = createMemoryEventLog()
  await log.append(traffic.events)
  const report = await monitorWindows({
    eventLog: log,
    bundle: c.bundle,
    model: c.model,
    bundleVersion: c.version,
    version: c.version,
    window: o.window?.by === 'count' ? o.window : { by: 'count', size: predicted },
    config: c.config,
    rowChecks: c.rowChecks,
    // The log's scans end before `asOf`: one millisecond later takes in the file's labels.
    asOf: time + 1,
    absentInputs: traffic.absentInputs,
  })
  const label = c.bundle.label.column
  const notes = [
    `Monitored ${file.role === 'batch' ? 'the batch output' : 'the input rows'} of ${file.path} (${traffic.rows} rows) against the bundle's training reference, as one moment: the operational figures and label lags describe the file, not served traffic; alerts are reported, not sent.`,
    ...(traffic.rejected > 0
      ? [
          `${traffic.rejected} row(s) break the input schema and were not predicted or monitored (first: ${traffic.issues[0]?.message ?? ''}).`,
        ]
      : []),
    ...(traffic.absentInputs.length > 0
      ? [`Not columns of the file, so not monitored: ${traffic.absentInputs.join(', ')}.`]
      : []),
    traffic.labelled > 0
      ? `Performance uses the file's "${label}" column as labels (${traffic.labelled} rows).`
      : `The file has no values in a "${label}" column, so performance is not measured.`,
  ]
  return {
    ...report,
    notes: [...notes, ...report.notes],
    file: {
      path: file.path,
      role: file.role,
      rows: traffic.rows,
      rejected: traffic.rejected,
      labelled: traffic.labelled,
      absentInputs: traffic.absentInputs,
    },
  }
}

/**
 * Monitor a registered model: drift, data quality, performance from delayed labels and alerts,
 * window by window, once, or with `watch` again every `interval` until `signal` aborts. Opens and
 * closes the workspace's stores and event log itself; returns the last report.
 *
 * @example
 * const stop = new AbortController()
 * const last = await runMonitoring({ project, watch: true, interval: '1h', signal: stop.signal,
 *   onReport: (r) => console.log(r.alerts.length) })
 */
export const runMonitoring = async (options: RunMonitoringOptions): Promise<MonitoringReport> => {
  const o = options
  const paths = workspacePaths(o)
  const target = o.model ?? o.project?.config.name
  if (target === undefined) {
    throw new KeelError('INVALID_ARGUMENT', 'name the model to monitor', {
      hint: 'keel monitor <model>, or run inside a project',
    })
  }
  const ref = monitoredRef(target, o)
  const raw = (o.project?.config as { monitoring?: unknown } | undefined)?.monitoring
  const config = parseMonitoringConfig(raw ?? {})
  const window = o.window ?? config.window
  const alerts = o.webhook
    ? {
        ...config.alerts,
        webhook: parseMonitoringConfig({ alerts: { webhook: { url: o.webhook } } }).alerts.webhook!,
      }
    : config.alerts
  const contract = o.project?.config.schema as SchemaContract | undefined
  const rowChecks: readonly RowCheck[] = contract?.checks ?? []
  const interval = parseDuration(o.interval ?? DEFAULT_MONITOR_INTERVAL)
  const featureStore = o.lookupView ? declaredFeatureStore(o.project?.config) : null
  const featureConsistency =
    featureStore && o.lookupView
      ? {
          featureConsistency: {
            store: featureStore,
            lookupView: o.lookupView,
            ...(o.pushedRows ? { pushedRows: o.pushedRows } : {}),
          },
        }
      : {}
  if (o.file) checkFileOptions(o)
  const stores = await openStoresFor(o, paths)
  let log: EventLog | undefined
  try {
    o.onPhase?.('loading the bundle')
    const chosen = await loadMonitoredBundle(stores, ref)
    if (o.file) {
      o.onPhase?.(`reading ${o.file.path}`)
      const report = await monitorFile(o, o.file, {
        ...chosen,
        model: ref.model,
        config,
        rowChecks,
        cwd: o.cwd ?? paths.root,
      })
      await o.onReport?.(report)
      return report
    }
    log = await openLog(paths.root, o.events)
    for (;;) {
      o.onPhase?.(`monitoring ${ref.model} v${chosen.version} (${chosen.chosenBy})`)
      const report = await monitorWindows({
        eventLog: log,
        bundle: chosen.bundle,
        model: ref.model,
        bundleVersion: chosen.version,
        ...(o.allVersions ? {} : { version: chosen.version }),
        ...(o.from === undefined ? {} : { from: o.from }),
        ...(o.to === undefined ? {} : { to: o.to }),
        window,
        config: { ...config, alerts },
        rowChecks,
        ...featureConsistency,
        dispatch: {
          stateFile: join(paths.workspace, 'monitor-state.json'),
          alerts,
          // Without notifying, the state is still read: alerts an earlier run raised keep
          // their first-seen time.
          ...(o.notify === false ? { send: false } : {}),
        },
      })
      await o.onReport?.(report)
      if (!o.watch || o.signal?.aborted) return report
      await abortableSleep(interval, o.signal)
      if (o.signal?.aborted) return report
    }
  } finally {
    await log?.close()
    await stores.close()
  }
}
