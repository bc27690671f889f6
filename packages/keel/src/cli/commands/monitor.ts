import { createLookupCache, lookupView, openProjectFeatureStore } from '../../features/index.js'
import { InvalidArgumentError, Option, type Command } from 'commander'
import { isKeelError } from '@keel/core'
import { loadProject, type Project } from '../../project/index.js'
import {
  DEFAULT_MONITOR_INTERVAL,
  parseDuration,
  runMonitoring,
  type MonitoringReport,
} from '../../monitoring/index.js'
import {
  monitoringReportJson,
  renderMonitoringText,
  writeMonitoringReport,
} from '../../reports/index.js'
import { MODEL_REF_SYNTAX } from '../../stores/index.js'
import { workspaceOf, type WorkspacePaths } from '../../project/workspace.js'
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
  input?: string
  batch?: string
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
    .addOption(
      new Option(
        '--no-notify',
        'do not send alerts or update the alert state (it is still read: earlier alerts keep their first-seen time)',
      ),
    )
    .addOption(
      new Option(
        '--input <file>',
        'monitor the rows of this file (CSV, Parquet, JSON, NDJSON), predicted here, instead of served traffic; a label column adds performance',
      ),
    )
    .addOption(
      new Option(
        '--batch <file>',
        'monitor a keel predict -o output (its predictions and passthrough columns) instead of served traffic',
      ).conflicts('input'),
    )
    .addOption(new Option('--watch', 're-run every --interval until interrupted'))
    .addOption(
      new Option('--interval <duration>', 'time between runs with --watch')
        .default(DEFAULT_MONITOR_INTERVAL)
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
): Promise<{ project: Project | null; paths: WorkspacePaths }> => {
  const cwd = g.cwd ?? process.cwd()
  try {
    const project = await loadProject({ cwd, ...(g.config ? { config: g.config } : {}) })
    return { project, paths: project }
  } catch (e) {
    if (g.config !== undefined || !isKeelError(e) || e.code !== 'FILE_NOT_FOUND') throw e
    return { project: null, paths: workspaceOf(cwd) }
  }
}

/**
 * One or more monitoring runs; `after` handles each report (print, write files). With `--watch`,
 * Ctrl-C stops the loop between runs.
 */
const runMonitor = async (
  model: string | undefined,
  opts: MonitorOptions,
  g: GlobalOptions,
  out: Output,
  after: (report: MonitoringReport, workspace: string) => Promise<void>,
): Promise<number> => {
  const { project, paths } = await loadContext(g)
  // With feature services, each window also checks the logged feature values against the
  // offline store (the feature_skew alert).
  const featureStore =
    project !== null && project.config.featureServices.length > 0
      ? await openProjectFeatureStore(project)
      : undefined
  // One pass prepares each view once for every window; a watching monitor reads fresh sources.
  const lookups = featureStore && !opts.watch ? createLookupCache() : undefined
  const stop = new AbortController()
  const onSigint = (): void => stop.abort()
  if (opts.watch) process.on('SIGINT', onSigint)
  try {
    await runMonitoring({
      project,
      paths,
      ...(model === undefined ? {} : { model }),
      ...(opts.version === undefined ? {} : { version: opts.version }),
      ...(opts.alias === undefined ? {} : { alias: opts.alias }),
      ...(opts.allVersions ? { allVersions: true } : {}),
      ...(opts.from === undefined ? {} : { from: opts.from }),
      ...(opts.to === undefined ? {} : { to: opts.to }),
      ...(opts.every
        ? { window: { by: 'count' as const, size: opts.every } }
        : opts.window
          ? { window: { by: 'time' as const, size: opts.window } }
          : {}),
      ...(opts.webhook ? { webhook: opts.webhook } : {}),
      ...(opts.events === undefined ? {} : { events: opts.events }),
      notify: opts.notify,
      ...(opts.watch ? { watch: true } : {}),
      ...(opts.input ? { file: { path: opts.input, role: 'input' as const } } : {}),
      ...(opts.batch ? { file: { path: opts.batch, role: 'batch' as const } } : {}),
      cwd: g.cwd ?? process.cwd(),
      interval: opts.interval,
      signal: stop.signal,
      ...(featureStore
        ? { lookupView: lookups?.lookupView ?? lookupView, pushedRows: featureStore.readRows }
        : {}),
      onPhase: (p) => out.progress.phase(p),
      onReport: (report) => after(report, paths.workspace),
    })
    return 0
  } finally {
    process.removeListener('SIGINT', onSigint)
    lookups?.close()
    await featureStore?.close()
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
            newAlerts: report.alerts.filter((a) => a.status === 'new').length,
            freshAlerts: fresh,
          },
          () => paths.html,
        )
      }),
    )
  })
}
