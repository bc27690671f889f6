import { Option, type Command } from 'commander'
import { promoteModelRef } from '../../release/promote.js'
import {
  diffModelVersions,
  isModelView,
  listRegisteredModels,
  registryView,
  type VersionView,
} from '../../release/registry-views.js'
import { join } from 'node:path'
import { loadProject } from '../../project/index.js'
import { openProjectStores } from '../../project/workspace.js'
import { DEFAULT_MODEL_ALIAS, parseModelRef } from '../../stores/index.js'
import type { AliasChange, ModelVersionRecord } from '../../stores/index.js'
import { globalOptions, withGlobalOptions } from '../global.js'
import { runCommand, type Output } from '../output.js'
import { parsePositiveInt } from './options.js'
import { withProjectStores } from './project-stores.js'
import { textTable, when } from './text-table.js'

const primaryOf = (v: ModelVersionRecord): string => {
  const e = v.evaluation as { primaryMetric?: unknown; test?: Record<string, unknown> }
  const name = typeof e.primaryMetric === 'string' ? e.primaryMetric : undefined
  if (!name) return ''
  const m = e.test?.[name] as { value?: unknown } | number | undefined
  const value = typeof m === 'number' ? m : typeof m?.value === 'number' ? m.value : undefined
  return value === undefined ? '' : `${name} ${value.toFixed(4)}`
}

const gateText = (v: ModelVersionRecord): string => {
  const g = (v.evaluation as { gate?: { blessed?: unknown } }).gate
  return typeof g?.blessed === 'boolean' ? (g.blessed ? 'blessed' : 'refused') : '—'
}

const historyTable = (history: readonly AliasChange[]): string =>
  textTable(
    ['when', 'alias', 'from', 'to', 'by', 'reason'],
    history.map((h) => [
      when(h.at),
      h.alias,
      h.fromVersion === null ? '—' : `v${h.fromVersion}`,
      h.toVersion === null ? '—' : `v${h.toVersion}`,
      h.actor,
      h.reason ?? '',
    ]),
  )

const versionsTable = (versions: readonly ModelVersionRecord[]): string =>
  textTable(
    ['version', 'status', 'aliases', 'created', 'gate', 'primary metric', 'run'],
    versions.map((v) => [
      `v${v.version}`,
      v.status,
      v.aliases.join(', '),
      when(v.createdAt),
      gateText(v),
      primaryOf(v),
      v.sourceRunId ?? '',
    ]),
  )

const renderVersion = (
  out: Output,
  { version: v, lineage, aliasHistory: history, evaluations }: VersionView,
): string => {
  const lines = [
    out.style('bold', `${v.model} v${v.version}`) +
      `  ${v.status}${v.aliases.length > 0 ? `  [${v.aliases.join(', ')}]` : ''}`,
    `  bundle       ${v.bundle.digest} (${v.bundle.size.toLocaleString('en-US')} bytes)`,
    `  created      ${when(v.createdAt)}${v.createdBy ? ` by ${v.createdBy}` : ''}`,
    `  source run   ${v.sourceRunId ?? '—'}`,
    `  parent       ${v.parent ? `${v.parent.model} v${v.parent.version}` : '—'}`,
    `  ancestors    ${lineage.ancestors.map((a) => `${a.model} v${a.version}`).join(' ← ') || '—'}`,
    `  descendants  ${lineage.descendants.map((a) => `${a.model} v${a.version}`).join(', ') || '—'}`,
    `  gate         ${gateText(v)}${primaryOf(v) ? `   ${primaryOf(v)}` : ''}`,
  ]
  if (v.description) lines.push(`  description  ${v.description}`)
  if (lineage.datasets.length > 0) {
    lines.push(
      '',
      'Datasets',
      textTable(
        ['role', 'fingerprint', 'name'],
        lineage.datasets.map((d) => [d.role, d.fingerprint, d.name ?? '']),
      ),
    )
  }
  if (evaluations.length > 0) {
    lines.push(
      '',
      'Evaluations (each with its own card; the registered verdict first)',
      textTable(
        ['#', 'when', 'kind', 'gate', 'primary metric', 'run'],
        evaluations.map((e, i) => {
          const s = e.summary as { primaryMetric?: unknown; value?: unknown }
          return [
            String(i + 1),
            when(e.createdAt),
            e.kind === 'registration' ? 'registered' : 'evaluated',
            e.blessed ? 'blessed' : 'refused',
            typeof s.primaryMetric === 'string' && typeof s.value === 'number'
              ? `${s.primaryMetric} ${s.value.toFixed(4)}`
              : '',
            e.runId ?? '',
          ]
        }),
      ),
      // Paths in full, below the table (a table cell would cut them).
      ...evaluations.map((e, i) => `  card ${i + 1}  ${e.files?.html ?? e.card.html.digest}`),
    )
  }
  if (history.length > 0) lines.push('', 'Alias history', historyTable(history))
  return lines.join('\n')
}

/** `keel models list | show | promote | diff`. */
export const registerModels = (program: Command): void => {
  const models = program
    .command('models')
    .description('the model registry: versions, aliases, promotion, lineage')

  withGlobalOptions(
    models
      .command('list')
      .description('registered models with their latest version and aliases')
      .action(async (_opts: unknown, cmd: Command) => {
        const g = globalOptions(cmd)
        await runCommand(g, (out) =>
          withProjectStores(g, async (stores) => {
            const list = await listRegisteredModels(stores)
            out.result(list, () =>
              list.length === 0
                ? 'no registered models (run `keel train`)'
                : textTable(
                    ['model', 'latest', 'aliases', 'updated'],
                    list.map((m) => [
                      m.name,
                      `v${m.latestVersion}`,
                      Object.entries(m.aliases)
                        .map(([a, v]) => `${a}→v${v}`)
                        .join(', '),
                      when(m.updatedAt),
                    ]),
                  ),
            )
          }),
        )
      }),
  )

  withGlobalOptions(
    models
      .command('show')
      .description(
        'a model (its versions) or one version (lineage, datasets, alias history, every evaluation with its card)',
      )
      .argument('<model>', `name (the model and its versions), name@<version> or name:<alias>`)
      .action(async (text: string, _opts: unknown, cmd: Command) => {
        const g = globalOptions(cmd)
        await runCommand(g, async (out) => {
          const project = await loadProject({
            cwd: g.cwd ?? process.cwd(),
            ...(g.config ? { config: g.config } : {}),
          })
          const stores = await openProjectStores(project)
          try {
            const view = await registryView(stores, parseModelRef(text), {
              reportsDir: join(project.workspace, 'reports'),
            })
            if (isModelView(view)) {
              out.result(view, () =>
                [
                  out.style('bold', view.model.name),
                  versionsTable(view.versions),
                  ...(view.aliasHistory.length > 0
                    ? ['', 'Alias history', historyTable(view.aliasHistory)]
                    : []),
                ].join('\n'),
              )
              return
            }
            out.result(view, () => renderVersion(out, view))
          } finally {
            await stores.close()
          }
        })
      }),
  )

  withGlobalOptions(
    models
      .command('promote')
      .description(
        'point an alias at a version, atomically; a version its gate refused exits 11 (GATE_REFUSED) unless --force',
      )
      .argument('<model>', 'name@<version> or name:<alias> (the version that alias points at)')
      .addOption(new Option('--alias <alias>', 'the alias to move').default(DEFAULT_MODEL_ALIAS))
      .requiredOption('--reason <text>', 'why (recorded in the alias history)')
      .option('--force', 'promote even though the gate refused the version')
      .option('--actor <name>', 'who is promoting (default: $USER)')
      .addOption(
        new Option(
          '--expect <version>',
          'only if the alias points at this version now (compare-and-set)',
        ).argParser(parsePositiveInt),
      )
      .action(
        async (
          text: string,
          opts: { alias: string; reason: string; force?: boolean; actor?: string; expect?: number },
          cmd: Command,
        ) => {
          const g = globalOptions(cmd)
          await runCommand(g, (out) =>
            withProjectStores(g, async (stores) => {
              const { model, version, result } = await promoteModelRef(
                stores,
                parseModelRef(text),
                {
                  alias: opts.alias,
                  reason: opts.reason,
                  actor: opts.actor ?? process.env['USER'] ?? 'cli',
                  force: opts.force === true,
                  ...(opts.expect === undefined ? {} : { expectedVersion: opts.expect }),
                },
              )
              if (result.gate.state === 'unknown' && !out.json)
                process.stderr.write(
                  `warning: no gate outcome is recorded for ${model} v${version}\n`,
                )
              out.result(result, () =>
                [
                  `${out.style('green', '✓')} ${model}:${opts.alias} → v${version}${result.forced ? out.style('yellow', ' (forced past a refusing gate)') : ''}`,
                  '',
                  historyTable(result.history),
                ].join('\n'),
              )
            }),
          )
        },
      ),
  )

  withGlobalOptions(
    models
      .command('diff')
      .description(
        'what changed between two versions: params, metrics, evaluation, datasets, bundle',
      )
      .argument('<model>', 'model name')
      .argument('<from>', 'version number', parsePositiveInt)
      .argument('<to>', 'version number', parsePositiveInt)
      .action(async (model: string, from: number, to: number, _opts: unknown, cmd: Command) => {
        const g = globalOptions(cmd)
        await runCommand(g, (out) =>
          withProjectStores(g, async (stores) => {
            const d = await diffModelVersions(stores, model, from, to)
            const show = (v: unknown): string =>
              v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v)
            out.result(d, () =>
              [
                out.style('bold', `${model}: v${from} → v${to}`),
                `  bundle      ${d.bundleChanged ? 'changed' : 'unchanged'}`,
                `  source run  ${d.sourceRun.from ?? '—'} → ${d.sourceRun.to ?? '—'}`,
                `  datasets    +${d.datasets.added.length} −${d.datasets.removed.length} =${d.datasets.unchanged.length}`,
                ...(d.metrics.length > 0
                  ? [
                      '',
                      'Metrics',
                      textTable(
                        ['metric', `v${from}`, `v${to}`, 'change'],
                        d.metrics.map((m) => [
                          m.key,
                          show(m.from),
                          show(m.to),
                          m.delta === null
                            ? ''
                            : (m.delta >= 0 ? '+' : '') + m.delta.toPrecision(4),
                        ]),
                      ),
                    ]
                  : []),
                ...(d.params.length > 0
                  ? [
                      '',
                      'Params',
                      textTable(
                        ['param', `v${from}`, `v${to}`],
                        d.params.map((p) => [p.key, show(p.from), show(p.to)]),
                      ),
                    ]
                  : []),
                ...(d.evaluation.length > 0
                  ? [
                      '',
                      'Evaluation',
                      textTable(
                        ['key', `v${from}`, `v${to}`],
                        d.evaluation.slice(0, 60).map((e) => [e.key, show(e.from), show(e.to)]),
                      ),
                    ]
                  : []),
              ].join('\n'),
            )
          }),
        )
      }),
  )
}
