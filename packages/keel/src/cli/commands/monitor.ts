import { join, resolve } from 'node:path'
import { InvalidArgumentError, Option, type Command } from 'commander'
import { isKeelError, KeelError, type RowCheck, type SchemaContract } from '@keel/core'
import { loadProject, type Project } from '../../project/index.js'
import { sqliteEventLogPath, type EventLog } from '../../stores/events/index.js'
import {
  loadMonitoredBundle,
  monitorWindows,
  parseDuration,
  parseMonitoringConfig,
  type MonitoringReport,
} from '../../monitoring/index.js'
import {
  monitoringReportJson,
  renderMonitoringText,
  writeMonitoringReport,
} from '../../reports/index.js'
import {
  MODEL_REF_SYNTAX,
  parseModelRef,
  type KeelStores,
  type ModelRef,
} from '../../stores/index.js'
import {
  openProjectEventLog,
  openProjectStores,
  openWorkspaceStores,
} from '../../project/workspace.js'
import { globalOptions, withGlobalOptions } from '../global.js'
import { runCommand, type GlobalOptions, type Output } from '../output.js'
import { parsePositiveInt } from './options.js'

interface MonitorOptions {
  alias?: string
  version?: number
  from?: string
  to?: string
  window?: string
  every?: number
  events?: string
  webhook?: string
  notify: boolean
  allVersions?: boolean
  watch?: boolean
  interval: string
  out?: string
}

const parseWindow = (v: string): string => {
  try {
    parseDuration(v)
    return v
  } catch {
    throw new InvalidArgumentError('expected a duration such as 1d, 7d or 6h')
  }
}

const parseInstant = (v: string): string => {
  if (Number.isNaN(Date.parse(v)))
    throw new InvalidArgumentError('expected an ISO-8601 date or date-time')
  return v
}

const addMonitorOptions = (cmd: Command): Command =>
  cmd
    .argument('[model]', `${MODEL_REF_SYNTAX} (default: the project model)`)
    .addOption(
      new Option(
        '--alias <name>',
        'monitor the version this alias points at (default: production)',
      ),
    )
    .addOption(
      new Option('--version <n>', 'monitor this version')
        .argParser(parsePositiveInt)
        .conflicts('alias'),
    )
    .addOption(
      new Option(
        '--all-versions',
        "include every version's predictions, not only the monitored one's",
      ),
    )
    .addOption(
      new Option('--from <iso>', 'only predictions made at or after this time').argParser(
        parseInstant,
      ),
    )
    .addOption(
      new Option('--to <iso>', 'only predictions made before this time').argParser(parseInstant),
    )
    .addOption(
      new Option('--window <duration>', 'time windows of this length, e.g. 1d or 7d').argParser(
        parseWindow,
      ),
    )
    .addOption(
      new Option('--every <n>', 'windows of n predictions each')
        .argParser(parsePositiveInt)
        .conflicts('window'),
    )
    .addOption(
      new Option(
        '--events <url>',
        'event log: sqlite (the workspace log), nats://host:port, sqlite:path (default: KEEL_EVENTS)',
      ),
    )
    .addOption(
      new Option('--webhook <url>', 'POST new alerts to this http(s) URL (overrides the config)'),
    )
    .addOption(new Option('--no-notify', 'do not send alerts or update the alert state'))
    .addOption(new Option('--watch', 're-run every --interval until interrupted'))
    .addOption(
      new Option('--interval <duration>', 'time between runs with --watch')
        .default('5m')
        .argParser(parseWindow),
    )

/**
 * The options of a subcommand that shares its options with its parent. Unless the root program
 * enables positional options, commander lets the parent claim a shared option written after the
 * subcommand (`keel monitor report --window 7d`), so a value set on the command line on either
 * command wins over a default.
 */
const subcommandOptions = <T extends object>(cmd: Command, own: T): T => {
  const parent = cmd.parent
  if (!parent) return own
  const merged: Record<string, unknown> = { ...(own as Record<string, unknown>) }
  for (const [key, value] of Object.entries(parent.opts())) {
    const ownSource = cmd.getOptionValueSource(key)
    if (ownSource !== 'cli' && parent.getOptionValueSource(key) === 'cli') merged[key] = value
  }
  return merged as T
}

/** The project, or a bare workspace in the current directory when there is no config file. */
const loadContext = async (
  g: GlobalOptions,
): Promise<{ project: Project | null; root: string; workspace: string }> => {
  const cwd = g.cwd ?? process.cwd()
  try {
    const project = await loadProject({ cwd, ...(g.config ? { config: g.config } : {}) })
    return { project, root: project.root, workspace: project.workspace }
  } catch (e) {
    if (g.config !== undefined || !isKeelError(e) || e.code !== 'FILE_NOT_FOUND') throw e
    return { project: null, root: resolve(cwd), workspace: resolve(cwd, '.keel') }
  }
}

const openContextStores = (
  project: Project | null,
  root: string,
  workspace: string,
): Promise<KeelStores> => {
  if (project) return openProjectStores(project)
  return openWorkspaceStores({ root, workspace })
}

/** The event log `keel serve` writes for the project rooted at `root` (`<root>/.keel/events.db`). */
const openLog = (root: string, events: string | undefined): Promise<EventLog> => {
  if (events === 'sqlite')
    return openProjectEventLog({ root }, `sqlite:${sqliteEventLogPath(root)}`)
  return openProjectEventLog({ root }, events)
}

const abortableSleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((done) => {
    if (signal.aborted) return done()
    const timer = setTimeout(finish, ms)
    function finish(): void {
      clearTimeout(timer)
      signal.removeEventListener('abort', finish)
      done()
    }
    signal.addEventListener('abort', finish)
  })

/** One or more monitoring runs; `after` handles each report (print, write files). */
const runMonitor = async (
  model: string | undefined,
  opts: MonitorOptions,
  g: GlobalOptions,
  out: Output,
  after: (report: MonitoringReport, workspace: string) => Promise<void>,
): Promise<number> => {
  const { project, root, workspace } = await loadContext(g)
  const target = model ?? project?.config.name
  if (target === undefined) {
    throw new KeelError('INVALID_ARGUMENT', 'name the model to monitor', {
      hint: 'keel monitor <model>, or run inside a project',
    })
  }
  // `flights@3` and `flights:staging` name a version or an alias, as in `keel serve`.
  const parsed = parseModelRef(target)
  const name = parsed.model
  const inline = /[@:]/.test(target)
  if (inline && (opts.alias !== undefined || opts.version !== undefined)) {
    throw new KeelError('INVALID_ARGUMENT', `${target} already names a version or alias`)
  }
  const ref: ModelRef = inline
    ? parsed
    : {
        model: name,
        ...(opts.version === undefined ? {} : { version: opts.version }),
        ...(opts.alias === undefined ? {} : { alias: opts.alias }),
      }
  const raw = (project?.config as { monitoring?: unknown } | undefined)?.monitoring
  const config = parseMonitoringConfig(raw ?? {})
  const window = opts.every
    ? { by: 'count' as const, size: opts.every }
    : opts.window
      ? { by: 'time' as const, size: opts.window }
      : config.window
  const alerts = opts.webhook
    ? {
        ...config.alerts,
        webhook: parseMonitoringConfig({ alerts: { webhook: { url: opts.webhook } } }).alerts
          .webhook!,
      }
    : config.alerts
  const contract = project?.config.schema as SchemaContract | undefined
  const rowChecks: readonly RowCheck[] = contract?.checks ?? []
  const stores = await openContextStores(project, root, workspace)
  let log: EventLog | undefined
  const stop = new AbortController()
  const onSigint = (): void => stop.abort()
  try {
    out.progress.phase('loading the bundle')
    const chosen = await loadMonitoredBundle(stores, ref)
    log = await openLog(root, opts.events)
    if (opts.watch) process.on('SIGINT', onSigint)
    const interval = parseDuration(opts.interval)
    for (;;) {
      out.progress.phase(`monitoring ${name} v${chosen.version} (${chosen.chosenBy})`)
      const report = await monitorWindows({
        eventLog: log,
        bundle: chosen.bundle,
        model: name,
        bundleVersion: chosen.version,
        ...(opts.allVersions ? {} : { version: chosen.version }),
        ...(opts.from === undefined ? {} : { from: opts.from }),
        ...(opts.to === undefined ? {} : { to: opts.to }),
        window,
        config: { ...config, alerts },
        rowChecks,
        ...(opts.notify
          ? { dispatch: { stateFile: join(workspace, 'monitor-state.json'), alerts } }
          : {}),
      })
      await after(report, workspace)
      if (!opts.watch || stop.signal.aborted) break
      await abortableSleep(interval, stop.signal)
      if (stop.signal.aborted) break
    }
    return 0
  } finally {
    process.removeListener('SIGINT', onSigint)
    await log?.close()
    await stores.close()
  }
}

/**
 * `keel monitor [model]`: drift, data quality, performance from delayed labels and alerts for a
 * registered model, window by window; and `keel monitor report` writing the HTML and JSON report.
 */
export const registerMonitor = (program: Command): void => {
  const monitor = addMonitorOptions(
    program
      .command('monitor')
      .description(
        'drift, data quality, performance from delayed labels and alerts, window by window',
      ),
  )
  withGlobalOptions(monitor).action(
    async (model: string | undefined, opts: MonitorOptions, cmd: Command) => {
      const g = globalOptions(cmd)
      await runCommand(g, (out) =>
        runMonitor(model, opts, g, out, async (report) => {
          // Watching with --json prints one compact document per run (NDJSON), so a consumer
          // can read the stream line by line.
          if (opts.watch && out.json)
            process.stdout.write(monitoringReportJson(report, { compact: true }))
          else out.result(report, () => renderMonitoringText(report))
        }),
      )
    },
  )

  withGlobalOptions(
    addMonitorOptions(
      monitor
        .command('report')
        .description(
          'write the monitoring report as one self-contained HTML page (and its JSON) and print the path',
        ),
    ).addOption(
      new Option(
        '--out <file>',
        'where to write the HTML (default: .keel/reports/monitor-<model>-<time>.html)',
      ),
    ),
  ).action(async (model: string | undefined, own: MonitorOptions, cmd: Command) => {
    const opts = subcommandOptions<MonitorOptions>(cmd, own)
    const g = globalOptions(cmd)
    const cwd = g.cwd ?? process.cwd()
    await runCommand(g, (out) =>
      runMonitor(model, opts, g, out, async (report, workspace) => {
        const paths = await writeMonitoringReport(report, {
          workspace,
          cwd,
          ...(opts.out ? { out: opts.out } : {}),
        })
        const fresh = report.alerts.filter((a) => a.fresh).length
        out.result(
          {
            ...paths,
            windows: report.windows.length,
            alerts: report.alerts.length,
            freshAlerts: fresh,
          },
          () => paths.html,
        )
      }),
    )
  })
}
