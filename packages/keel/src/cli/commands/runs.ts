import { Option, type Command } from 'commander'
import { KeelError } from '@keel/core'
import type { RunRecord } from '../../stores/index.js'
import { commonMetricKeys, compareRuns, listRuns, showRun } from '../../training/runs.js'
import { globalOptions, withGlobalOptions } from '../global.js'
import { runCommand, type Output } from '../output.js'
import { withProjectStores } from './project-stores.js'
import { textTable, when } from './text-table.js'

/** Metric columns shown by `keel runs list` when none are asked for. */
const DEFAULT_METRIC_COLUMNS = 3

const fmt = (v: number | undefined): string =>
  v === undefined
    ? ''
    : Math.abs(v) >= 1e-3 || v === 0
      ? Number(v.toPrecision(4)).toString()
      : v.toExponential(2)

const duration = (ms: number | null): string => {
  if (ms === null) return ''
  if (ms < 1000) return `${ms} ms`
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`
  return `${(ms / 60_000).toFixed(1)} min`
}

const listTable = (runs: readonly RunRecord[], metrics: readonly string[]): string =>
  textTable(
    ['run', 'experiment', 'name', 'role', 'status', 'started', 'duration', ...metrics],
    runs.map((r) => [
      r.id,
      r.experimentName,
      r.name,
      r.tags['keel.role'] ?? (r.parentRunId === null ? 'parent' : ''),
      r.status,
      when(r.startTime),
      duration(r.durationMs),
      ...metrics.map((m) => fmt(r.metrics[m])),
    ]),
  )

const renderRun = (out: Output, r: RunRecord): string => {
  const kv = (o: Readonly<Record<string, string | number>>): string =>
    textTable(
      ['key', 'value'],
      Object.entries(o)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, typeof v === 'number' ? fmt(v) : v]),
    )
  return [
    `${out.style('bold', r.name)}  ${r.id}  ${r.status}`,
    `  experiment  ${r.experimentName}`,
    `  parent      ${r.parentRunId ?? '—'}`,
    `  started     ${when(r.startTime)}${r.durationMs === null ? '' : `  (${duration(r.durationMs)})`}`,
    ...(r.tags['keel.killed'] ? [`  killed      ${r.tags['keel.killed']}`] : []),
    ...(r.lease && r.status === 'running'
      ? [`  heartbeat   ${when(r.lease.heartbeatAt)} (lease ${duration(r.lease.leaseMs)})`]
      : []),
    `  seed        ${r.seed ?? '—'}`,
    `  git         ${r.git ? `${r.git.commit}${r.git.dirty ? ' (dirty)' : ''}` : '—'}`,
    `  environment ${Object.entries(r.environment)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
    '',
    'Params',
    kv(r.params),
    '',
    'Metrics',
    kv(r.metrics),
    '',
    'Tags',
    kv(r.tags),
    ...(r.inputs.length > 0
      ? [
          '',
          'Inputs',
          textTable(
            ['role', 'fingerprint', 'name'],
            r.inputs.map((i) => [i.role, i.fingerprint, i.name ?? '']),
          ),
        ]
      : []),
    ...(Object.keys(r.artifacts).length > 0
      ? [
          '',
          'Artifacts',
          textTable(
            ['name', 'digest', 'bytes'],
            Object.entries(r.artifacts).map(([k, a]) => [k, a.digest, String(a.size)]),
          ),
        ]
      : []),
  ].join('\n')
}

const parseLimit = (v: string): number => {
  const n = Number(v)
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new KeelError('INVALID_ARGUMENT', '--limit must be an integer in 1–1000', {
      path: ['limit'],
    })
  return n
}

/** `keel runs list | show | compare`. */
export const registerRuns = (program: Command): void => {
  const runs = program
    .command('runs')
    .description('experiment tracking: search, inspect and compare runs')

  withGlobalOptions(
    runs
      .command('list')
      .description(
        'runs, newest first, filtered and ordered; runs a killed process left running are marked killed first (and said so)',
      )
      .option('--experiment <name>', 'only runs of this experiment')
      .option(
        '--filter <expr>',
        'e.g. "metrics.test.roc_auc > 0.7 and tags.keel.role = \'candidate\'"',
      )
      .option('--order <field>', 'e.g. "metrics.test.roc_auc desc" (default: newest first)')
      .addOption(
        new Option('--limit <n>', 'at most this many runs (1–1000)')
          .argParser(parseLimit)
          .default(50),
      )
      .option('--top-level', 'only runs without a parent')
      .option(
        '--metrics <keys>',
        'comma-separated metric columns (default: the most common test metrics)',
      )
      .action(
        async (
          opts: {
            experiment?: string
            filter?: string
            order?: string
            limit: number
            topLevel?: boolean
            metrics?: string
          },
          cmd: Command,
        ) => {
          const g = globalOptions(cmd)
          await runCommand(g, (out) =>
            withProjectStores(g, async (stores) => {
              const page = await listRuns(stores, {
                ...(opts.experiment ? { experiment: opts.experiment } : {}),
                ...(opts.filter ? { filter: opts.filter } : {}),
                ...(opts.order ? { orderBy: opts.order } : {}),
                ...(opts.topLevel ? { topLevel: true } : {}),
                limit: opts.limit,
              })
              const metrics = opts.metrics
                ? opts.metrics
                    .split(',')
                    .map((m) => m.trim())
                    .filter((m) => m.length > 0)
                : commonMetricKeys(page.runs, DEFAULT_METRIC_COLUMNS)
              const reaped = page.reaped.map(
                (r) => `marked run ${r.id} (${r.experimentName} ${r.name}) killed: ${r.reason}`,
              )
              out.result(page, () =>
                [
                  ...reaped,
                  page.runs.length === 0
                    ? 'no runs match'
                    : `${listTable(page.runs, metrics)}${page.nextCursor ? `\n… more runs: raise --limit or narrow --filter` : ''}`,
                ].join('\n'),
              )
            }),
          )
        },
      ),
  )

  withGlobalOptions(
    runs
      .command('show')
      .description(
        'one run with its params (the effective hyperparameters, defaults included), metrics, tags, inputs and artifacts',
      )
      .argument('<run>', 'run id')
      .action(async (id: string, _opts: unknown, cmd: Command) => {
        const g = globalOptions(cmd)
        await runCommand(g, (out) =>
          withProjectStores(g, async (stores) => {
            const run = await showRun(stores, id)
            out.result(run, () => renderRun(out, run))
          }),
        )
      }),
  )

  withGlobalOptions(
    runs
      .command('compare')
      .description('runs side by side: every param, metric and tag; differing rows are marked *')
      .argument('<runs...>', 'two or more run ids')
      .option('--all', 'show keys whose values are the same in every run too')
      .action(async (ids: string[], opts: { all?: boolean }, cmd: Command) => {
        const g = globalOptions(cmd)
        await runCommand(g, (out) =>
          withProjectStores(g, async (stores) => {
            const c = await compareRuns(stores, ids)
            const header = ['', 'key', ...c.runs.map((r) => `${r.name} (${r.id.slice(-6)})`)]
            const rows = (
              kind: string,
              list: readonly {
                key: string
                values: readonly (string | number | null)[]
                differs: boolean
              }[],
            ) =>
              list
                .filter((v) => opts.all || v.differs)
                .map((v) => [
                  v.differs ? '*' : '',
                  `${kind}.${v.key}`,
                  ...v.values.map((x) => (x === null ? '—' : typeof x === 'number' ? fmt(x) : x)),
                ])
            const all = [
              ...rows('params', c.params),
              ...rows('metrics', c.metrics),
              ...rows('tags', c.tags),
            ]
            out.result(c, () =>
              all.length === 0
                ? 'the runs do not differ (use --all to see every key)'
                : textTable(header, all),
            )
          }),
        )
      }),
  )
}
