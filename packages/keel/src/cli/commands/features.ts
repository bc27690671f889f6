import { createWriteStream } from 'node:fs'
import { extname, isAbsolute, relative, resolve } from 'node:path'
import { InvalidArgumentError, Option, type Command } from 'commander'
import { isKeelError, KeelError, type Frame } from '@keel/core'
import { readFrame } from '../../data/index.js'
import {
  assembleRow,
  checkConsistency,
  createOnlineFeatureReader,
  featureHistory,
  getHistoricalFeatures,
  lookupView,
  materializeView,
  openProjectFeatureStore,
  projectFeatureDefinitions,
  renderConsistencyReport,
  serviceNamed,
  viewNamed,
  FEATURE_STATUSES,
  type HistoricalFeatures,
  type MaterializeSummary,
  type ResolvedFeatureStore,
  type ResolvedService,
} from '../../features/index.js'
import { loadProject, type Project } from '../../project/index.js'
import { allMissing } from '../../serving/predict/online-features.js'
import { openProjectEventLog } from '../../project/workspace.js'
import { globalOptions, withGlobalOptions } from '../global.js'
import { runCommand, type GlobalOptions } from '../output.js'
import { textTable } from './text-table.js'

/** An instant: ISO-8601 (a date alone is UTC midnight) or epoch milliseconds. */
const instantArg = (v: string): number => {
  const n = /^-?\d+$/.test(v.trim()) ? Number(v) : Date.parse(v)
  if (!Number.isFinite(n)) {
    throw new InvalidArgumentError('expected an ISO-8601 date-time or epoch milliseconds')
  }
  return n
}

const positiveInt = (v: string): number => {
  const n = Number(v)
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer')
  return n
}

const rate = (v: string): number => {
  const n = Number(v)
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('expected a rate between 0 and 1')
  return n
}

/** `--key column=value` options as a request row (values are text; number keys are parsed). */
const parseKeys = (specs: readonly string[]): Record<string, string> => {
  const row: Record<string, string> = {}
  for (const k of specs) {
    const eq = k.indexOf('=')
    if (eq < 1) {
      throw new KeelError('INVALID_ARGUMENT', `--key takes column=value, got "${k}"`, {
        path: ['--key'],
        hint: 'e.g. --key origin=ORD --key destination=JFK',
      })
    }
    const column = k.slice(0, eq)
    if (column in row) {
      throw new KeelError('INVALID_ARGUMENT', `--key ${column} is given twice`, {
        path: ['--key', column],
      })
    }
    row[column] = k.slice(eq + 1)
  }
  return row
}

/** Every key column of the service given, and no other column, as `POST /v1/features/online` requires. */
const checkKeyColumns = (
  service: ResolvedService,
  keys: Readonly<Record<string, string>>,
): void => {
  const wanted = service.keyColumns
  const unknown = Object.keys(keys).filter((k) => !wanted.includes(k))
  const missing = wanted.filter((k) => !(k in keys))
  if (unknown.length > 0 || missing.length > 0) {
    throw new KeelError(
      'INVALID_ARGUMENT',
      missing.length > 0
        ? `feature service "${service.name}" looks its features up by ${wanted.join(', ')}: give --key ${missing.map((m) => `${m}=…`).join(' --key ')}`
        : `feature service "${service.name}" has no key column ${unknown.join(', ')} (its keys: ${wanted.join(', ')})`,
      { path: ['--key'], details: { keyColumns: wanted, missing, unknown } },
    )
  }
}

const iso = (t: number | null | undefined): string =>
  t === null || t === undefined || !Number.isFinite(t) ? '—' : new Date(t).toISOString()

/**
 * A materialization error about its times as the command's user reads it: epoch milliseconds
 * written as ISO-8601, the option names (`--to`, `--from`) and the `--full` that fixes it.
 */
const inCliTerms = (e: unknown): unknown => {
  if (!isKeelError(e) || e.code !== 'INVALID_ARGUMENT') return e
  let message = e.message
  for (const key of ['to', 'from', 'now', 'watermark']) {
    const v = e.details[key]
    if (typeof v === 'number' && Number.isFinite(v)) message = message.replaceAll(String(v), iso(v))
  }
  const option = e.path[0] === 'to' || e.path[0] === 'from' ? `--${e.path[0]}` : undefined
  if (message === e.message && option === undefined) return e
  return new KeelError(e.code, message, {
    path: option === undefined ? e.path : [option],
    details: e.details,
    ...(e.hint === undefined ? {} : { hint: e.hint.replace('a full materialization', '--full') }),
    cause: e,
  })
}

const load = (g: GlobalOptions): Promise<Project> =>
  loadProject({ cwd: g.cwd ?? process.cwd(), ...(g.config ? { config: g.config } : {}) })

/** Where a view's rows come from, in a few words (a file relative to the project root). */
const describeSource = (store: ResolvedFeatureStore, view: string, root: string): string => {
  const s = viewNamed(store, view).source
  switch (s.kind) {
    case 'file': {
      const rel = relative(root, s.spec.path)
      return rel.startsWith('..') || isAbsolute(rel) ? s.spec.path : rel
    }
    case 'postgres':
      return 'postgres'
    case 'duckdb':
      return 'duckdb query'
    case 'push':
      return 'pushed'
  }
}

/**
 * The project's feature store for commands that read only the offline side (sources, the feature
 * log): the online store is an empty in-memory one, so they do not need Redis to be reachable.
 */
const offlineOnly = (project: Project) => openProjectFeatureStore(project, { online: 'memory:' })

/** `keel features list`: what the project defines, with each view's materialization watermark. */
const listFeatures = async (g: GlobalOptions, online: string | undefined) => {
  const project = await load(g)
  const fs = await openProjectFeatureStore(project, online === undefined ? {} : { online })
  try {
    const d = fs.definitions
    const states = await fs.state.list()
    const watermark = (view: string, version: string): number | null => {
      const s = states.find(
        (x) => x.view === view && x.version === version && x.target === fs.target,
      )
      return s?.watermark ?? null
    }
    return {
      online: fs.target,
      entities: [...d.entities.values()],
      views: [...d.views.values()].map((v) => ({
        name: v.name,
        version: v.version,
        entity: v.entity.name,
        keyColumn: v.keyColumn,
        source: describeSource(d, v.name, project.root),
        eventTime: v.eventTime,
        knownTime: v.knownTime,
        ttlMs: v.ttlMs,
        windowed: v.windowed,
        publishEveryMs: v.publishEveryMs,
        features: v.features.map((f) => ({
          name: f.name,
          kind: f.kind,
          ...(f.aggregation ? { aggregation: f.aggregation } : {}),
        })),
        materializedTo: watermark(v.name, v.version),
      })),
      services: [...d.services.values()].map((s) => ({
        name: s.name,
        version: s.version,
        keyColumns: s.keyColumns,
        outputs: s.outputs.map((o) => o.name),
        views: s.views.map((v) => ({ view: v.view.name, key: v.key, prefix: v.prefix })),
      })),
    }
  } finally {
    await fs.close()
  }
}

type Listing = Awaited<ReturnType<typeof listFeatures>>

const renderList = (l: Listing): string =>
  [
    `entities: ${l.entities.map((e) => `${e.name} (key ${e.joinKey}, ${e.valueType})`).join(', ') || '(none)'}`,
    '',
    'feature views',
    textTable(
      ['view', 'version', 'entity', 'source', 'known time', 'ttl', 'features', 'online to'],
      l.views.map((v) => [
        v.name,
        v.version,
        `${v.entity} (${v.keyColumn})`,
        v.source,
        v.knownTime ?? 'no lateness',
        v.ttlMs === null ? '—' : `${v.ttlMs / 3_600_000} h`,
        v.features.map((f) => f.name).join(', '),
        iso(v.materializedTo),
      ]),
    ),
    '',
    'feature services',
    textTable(
      ['service', 'version', 'keys', 'features'],
      l.services.map((s) => [s.name, s.version, s.keyColumns.join(', '), s.outputs.join(', ')]),
    ),
    '',
    `online store: ${l.online}`,
  ].join('\n')

const renderMaterialized = (rows: readonly MaterializeSummary[], seconds: number): string =>
  [
    textTable(
      ['view', 'version', 'mode', 'to', 'rows read', 'keys', 'written', 'cleared'],
      rows.map((r) => [
        r.view,
        r.version,
        r.mode,
        iso(r.to),
        String(r.rowsRead),
        String(r.keys),
        String(r.keysWritten),
        String(r.keysCleared),
      ]),
    ),
    `materialized ${rows.length} view${rows.length === 1 ? '' : 's'} into the ${rows[0]?.target ?? ''} online store in ${seconds.toFixed(1)} s`,
  ].join('\n')

/** The output's format by its extension: CSV, or NDJSON for `.ndjson` and `.jsonl`. */
const outputFormat = (file: string): 'csv' | 'ndjson' => {
  const ext = extname(file).toLowerCase()
  if (ext === '.csv') return 'csv'
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson'
  throw new KeelError(
    'INVALID_ARGUMENT',
    `write the features as .csv, .ndjson or .jsonl, not ${ext === '' ? 'a file without an extension' : ext}`,
    { path: ['--output'], details: { output: file } },
  )
}

/**
 * Write a frame as CSV or NDJSON (by the file's extension), timestamps as ISO-8601 so the file
 * reads back with the same times; a file that cannot be opened is `FILE_NOT_FOUND`.
 */
const writeFrame = async (frame: Frame, file: string): Promise<void> => {
  const csv = outputFormat(file) === 'csv'
  const names = frame.columnNames
  const times = new Set(names.filter((n) => frame.kindOf(n) === 'timestamp'))
  const value = (name: string, v: unknown): unknown =>
    typeof v === 'number' && !Number.isFinite(v)
      ? null
      : times.has(name) && typeof v === 'number'
        ? new Date(v).toISOString()
        : v instanceof Date
          ? v.toISOString()
          : (v ?? null)
  const cell = (v: unknown): string => {
    if (v === null) return ''
    const s = String(v)
    return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
  }
  const out = createWriteStream(file)
  let failed: Error | undefined
  out.on('error', (e) => (failed = e))
  const opened = new Promise<void>((res) => {
    out.once('ready', () => res())
    out.once('error', () => res())
  })
  await opened
  if (failed) {
    throw new KeelError('FILE_NOT_FOUND', `cannot write ${file}: ${failed.message}`, {
      path: ['--output'],
      cause: failed,
    })
  }
  if (csv) out.write(`${names.map(cell).join(',')}\n`)
  for (let i = 0; i < frame.numRows && !failed; i++) {
    const row = frame.row(i)
    const line = csv
      ? names.map((n) => cell(value(n, row[n]))).join(',')
      : JSON.stringify(Object.fromEntries(names.map((n) => [n, value(n, row[n])])))
    if (!out.write(`${line}\n`)) {
      await new Promise<void>((r) => {
        out.once('drain', () => r())
        out.once('error', () => r())
      })
    }
  }
  await new Promise<void>((res, rej) =>
    out.end((e?: Error | null) => (e || failed ? rej(e ?? failed) : res())),
  )
}

/** `keel features …`: the feature store. */
export const registerFeatures = (program: Command): void => {
  const features = program
    .command('features')
    .description(
      'the feature store: views, materialization, point-in-time training sets, online reads, consistency',
    )
  const onlineOption = () =>
    new Option(
      '--online <url>',
      'online store: redis://…, sqlite:path or memory: (default: KEEL_ONLINE_STORE or .keel/online.db)',
    )

  withGlobalOptions(
    features
      .command('list')
      .description(
        'entities, feature views (version, source, times, TTL, how far they are materialized) and services',
      )
      .addOption(onlineOption())
      .addHelpText(
        'after',
        `
A view's version is a hash of its definition: change the source, times, TTL or features and it is a
new version, materialized from scratch. "online to" is the view version's watermark in this online
store: the time its values are right for (— when never materialized).

Examples:
  keel features list
  keel features list --json --online redis://127.0.0.1:6379`,
      )
      .action(async (opts: { online?: string }, cmd: Command) => {
        const g = globalOptions(cmd)
        await runCommand(g, async (out) => {
          const listing = await listFeatures(g, opts.online)
          out.result(listing, () => renderList(listing))
        })
      }),
  )

  withGlobalOptions(
    features
      .command('materialize')
      .description(
        'write the newest value per key of feature views into the online store, as of --to (default now)',
      )
      .option('--view <name...>', 'views to materialize (default: every view)')
      .option('--service <name>', "materialize a feature service's views")
      .addOption(
        new Option('--to <time>', 'as of this time (ISO-8601 or epoch ms; default now)').argParser(
          instantArg,
        ),
      )
      .addOption(
        new Option(
          '--from <time>',
          'only the rows known in (--from, --to]: a backfill of a range',
        ).argParser(instantArg),
      )
      .option('--full', 'rebuild as of --to, also to a time earlier than what is online')
      .addOption(onlineOption())
      .addHelpText(
        'after',
        `
Incremental by default: each view version keeps a watermark in the metadata store, and a run reads
only the rows known since then. Writes are monotone (a value with an older event time never
replaces a newer one) and the watermark moves only after every write succeeded, so a run that is
interrupted — even killed — can simply be run again. --full rebuilds the online values as of --to.

Examples:
  keel features materialize                           # every view, up to now
  keel features materialize --service flight_features --to 2001-06-01
  keel features materialize --view airport_delays --full --to 2001-05-15T12:00:00Z`,
      )
      .action(
        async (
          opts: {
            view?: string[]
            service?: string
            to?: number
            from?: number
            full?: boolean
            online?: string
          },
          cmd: Command,
        ) => {
          const g = globalOptions(cmd)
          await runCommand(g, async (out) => {
            const project = await load(g)
            const fs = await openProjectFeatureStore(
              project,
              opts.online === undefined ? {} : { online: opts.online },
            )
            const started = performance.now()
            try {
              const d = fs.definitions
              const now = Date.now()
              const views =
                opts.service !== undefined
                  ? serviceNamed(d, opts.service).views.map((v) => v.view)
                  : (opts.view ?? [...d.views.keys()]).map((n) => viewNamed(d, n))
              const unique = [...new Map(views.map((v) => [v.name, v])).values()]
              const summaries: MaterializeSummary[] = []
              for (const view of unique) {
                out.progress.phase(`materializing ${view.name}`)
                summaries.push(
                  await materializeView(view, {
                    readRows: fs.readRows,
                    online: fs.online,
                    state: fs.state,
                    now,
                    ...(opts.to === undefined ? {} : { to: opts.to }),
                    ...(opts.from === undefined ? {} : { from: opts.from }),
                    ...(opts.full ? { full: true } : {}),
                    onProgress: (p) =>
                      out.progress.update(
                        p.phase === 'read'
                          ? { done: p.rowsRead, message: 'rows read' }
                          : { done: p.keysDone, total: p.keysTotal, message: 'keys written' },
                      ),
                  }).catch((e: unknown) => {
                    throw inCliTerms(e)
                  }),
                )
              }
              const seconds = (performance.now() - started) / 1000
              out.result({ views: summaries, seconds }, () =>
                renderMaterialized(summaries, seconds),
              )
            } finally {
              await fs.close()
            }
          })
        },
      ),
  )

  withGlobalOptions(
    features
      .command('historical')
      .description(
        'join a feature service to entity rows point in time (as of known time) and write the training set',
      )
      .requiredOption('--service <name>', 'the feature service')
      .requiredOption(
        '--input <file>',
        "entity rows (CSV, Parquet, JSON): the service's key columns and a time column",
      )
      .requiredOption(
        '--time-column <name>',
        "the entity rows' time column (timestamps, ISO-8601 text or epoch ms)",
      )
      .requiredOption(
        '--output <file>',
        'where to write the rows with their features (.csv, .ndjson or .jsonl)',
      )
      .addOption(
        new Option(
          '--as-of <rule>',
          'known: values known at each row time (default); event: the naive join',
        )
          .choices(['known', 'event'])
          .default('known'),
      )
      .addHelpText(
        'after',
        `
For each entity row at time t, each feature is the value with the greatest event time ≤ t among the
values known at t (known time ≤ t), within the view's TTL; ties on event time go to the latest known
time. A row with no such value gets an empty cell, and its status (null, not_found, outside_ttl) is
counted in the summary; on-demand features are computed on the joined row. --as-of event ignores
known times: the leak a naive join makes, for comparison. Pushed views are read from the feature
log. Training does the same join itself when the config sets dataset.featureService.

Examples:
  keel features historical --service flight_features --input flights.parquet \\
    --time-column date --output training.csv
  keel features historical --service flight_features --input flights.parquet \\
    --time-column date --output naive.ndjson --as-of event`,
      )
      .action(
        async (
          opts: {
            service: string
            input: string
            timeColumn: string
            output: string
            asOf: 'known' | 'event'
          },
          cmd: Command,
        ) => {
          const g = globalOptions(cmd)
          await runCommand(g, async (out) => {
            const cwd = g.cwd ?? process.cwd()
            const file = resolve(cwd, opts.output)
            outputFormat(file)
            const project = await load(g)
            const d = projectFeatureDefinitions(project)
            const service = serviceNamed(d, opts.service)
            // Pushed views are read from the feature log in the metadata database.
            const pushed = service.views.some((v) => v.view.source.kind === 'push')
            const fs = pushed ? await offlineOnly(project) : undefined
            let joined: HistoricalFeatures
            const started = performance.now()
            try {
              out.progress.phase('reading entity rows')
              const rows = await readFrame({ path: resolve(cwd, opts.input) })
              out.progress.phase('joining features point in time')
              joined = await getHistoricalFeatures(d, rows, {
                service: opts.service,
                timeColumn: opts.timeColumn,
                asOf: opts.asOf,
                ...(fs ? { pushedRows: fs.readRows } : {}),
              })
            } finally {
              await fs?.close()
            }
            const seconds = (performance.now() - started) / 1000
            out.progress.phase('writing')
            await writeFrame(joined.frame, file)
            const statuses = Object.fromEntries(
              Object.entries(joined.status).map(([name, codes]) => {
                const counts: Record<string, number> = {}
                for (const s of FEATURE_STATUSES) counts[s] = 0
                for (const c of codes) counts[FEATURE_STATUSES[c]!]! += 1
                return [name, counts]
              }),
            )
            const result = {
              service: joined.service.name,
              version: joined.service.version,
              rows: joined.frame.numRows,
              asOf: opts.asOf,
              output: file,
              seconds,
              statuses,
            }
            out.result(result, () =>
              [
                `joined ${joined.service.name}@${joined.service.version} to ${result.rows} rows as of ${opts.asOf} time in ${seconds.toFixed(1)} s → ${file}`,
                textTable(
                  ['feature', ...FEATURE_STATUSES],
                  Object.entries(statuses).map(([n, c]) => [
                    n,
                    ...FEATURE_STATUSES.map((s) => String(c[s])),
                  ]),
                ),
              ].join('\n'),
            )
          })
        },
      ),
  )

  withGlobalOptions(
    features
      .command('history')
      .description(
        "one key's values over time, from the offline source: what an up-to-date online store returns, as validity intervals",
      )
      .argument('<view>', 'the feature view')
      .argument('<key>', 'the entity key (as text; number keys are parsed)')
      .addOption(
        new Option('--from <time>', 'start (default: 7 days before --to)').argParser(instantArg),
      )
      .addOption(new Option('--to <time>', 'end (default now)').argParser(instantArg))
      .addOption(
        new Option('--as-of <rule>', 'known (default) or event')
          .choices(['known', 'event'])
          .default('known'),
      )
      .addHelpText(
        'after',
        `
Each interval [valid from, valid to) holds one answer of the point-in-time rule: a value that is
present from the moment it is known until a newer one is known or its TTL runs out, then
outside_ttl; not_found before the first value. Use it to see why a prediction got what it got.

Example:
  keel features history airport_delays ORD --from 2001-03-01 --to 2001-03-02`,
      )
      .action(
        async (
          viewName: string,
          key: string,
          opts: { from?: number; to?: number; asOf: 'known' | 'event' },
          cmd: Command,
        ) => {
          const g = globalOptions(cmd)
          await runCommand(g, async (out) => {
            const project = await load(g)
            const fs = await offlineOnly(project)
            try {
              const view = viewNamed(fs.definitions, viewName)
              const to = opts.to ?? Date.now()
              const from = opts.from ?? to - 7 * 86_400_000
              if (!(from < to)) {
                throw new KeelError('INVALID_ARGUMENT', '--from must be before --to', {
                  path: ['--from'],
                })
              }
              const intervals = await featureHistory(view, key, from, to, {
                asOf: opts.asOf,
                pushedRows: fs.readRows,
              })
              out.result({ view: view.name, version: view.version, key, from, to, intervals }, () =>
                textTable(
                  [
                    'valid from',
                    'valid to',
                    'status',
                    'event time',
                    'known time',
                    ...view.features.map((f) => f.name),
                  ],
                  intervals.map((i) => [
                    iso(i.validFrom),
                    i.validTo === null ? '…' : iso(i.validTo),
                    i.status,
                    iso(i.eventTime),
                    iso(i.knownTime),
                    ...view.features.map((f) => {
                      const v = i.values?.[f.name]
                      return v === null || v === undefined ? '' : String(v)
                    }),
                  ]),
                ),
              )
            } finally {
              await fs.close()
            }
          })
        },
      ),
  )

  withGlobalOptions(
    features
      .command('get')
      .description("read a feature service's values for one entity from the online store")
      .requiredOption('--service <name>', 'the feature service')
      .option(
        '--key <column=value...>',
        "the service's key columns, each once, e.g. --key origin=ORD --key destination=JFK",
      )
      .addOption(
        new Option(
          '--at <time>',
          'apply the point-in-time rule at this time (default now)',
        ).argParser(instantArg),
      )
      .addOption(onlineOption())
      .addHelpText(
        'after',
        `
Reads the online store the way the prediction service does (and POST /v1/features/online answers):
each value with its status, present, null (the source holds null), not_found (no value, or the
stored one not known yet at --at) or outside_ttl (older than the view's TTL), and the event and
known time of its row; on-demand features are computed from the row. Statuses are shown as
fetched: the service's onStatus policy is applied when predicting. The online store keeps the
newest value per key, so a time before the last materialization may read not_found.

Example:
  keel features get --service flight_features --key origin=ORD --key destination=JFK \\
    --at 2001-03-01T12:00:00Z`,
      )
      .action(
        async (
          opts: { service: string; key?: string[]; at?: number; online?: string },
          cmd: Command,
        ) => {
          const g = globalOptions(cmd)
          await runCommand(g, async (out) => {
            const keys = parseKeys(opts.key ?? [])
            const project = await load(g)
            const fs = await openProjectFeatureStore(
              project,
              opts.online === undefined ? {} : { online: opts.online },
            )
            try {
              const service = serviceNamed(fs.definitions, opts.service)
              checkKeyColumns(service, keys)
              const at = opts.at ?? Date.now()
              const lookups = await createOnlineFeatureReader(fs.online)(service, [keys], at)
              // Every status as fetched (no onStatus policy), on-demand features computed on the
              // row: what `POST /v1/features/online` answers.
              const { served } = assembleRow(
                allMissing(service),
                keys,
                lookups.map((v) => v[0]!),
              )
              const result = {
                service: service.name,
                version: service.version,
                at,
                keys,
                values: served,
              }
              out.result(result, () =>
                [
                  `${service.name}@${service.version} at ${iso(at)} for ${Object.entries(keys)
                    .map(([k, v]) => `${k}=${v}`)
                    .join(', ')}`,
                  textTable(
                    ['feature', 'value', 'status', 'event time', 'known time'],
                    Object.entries(served).map(([n, v]) => [
                      n,
                      v.value === null ? '' : String(v.value),
                      v.status,
                      iso(v.eventTime),
                      iso(v.knownTime),
                    ]),
                  ),
                ].join('\n'),
              )
            } finally {
              await fs.close()
            }
          })
        },
      ),
  )

  withGlobalOptions(
    features
      .command('check')
      .description(
        'row-level online/offline consistency: recompute logged predictions’ feature values point in time and count mismatches',
      )
      .option('--service <name>', 'the feature service (default: the only one)')
      .option('--model <name>', 'only predictions of this model')
      .addOption(
        new Option('--from <time>', 'only predictions made at or after this time').argParser(
          instantArg,
        ),
      )
      .addOption(
        new Option('--to <time>', 'only predictions made before this time').argParser(instantArg),
      )
      .addOption(
        new Option('--sample <n>', 'predictions compared at most (seeded sample)')
          .argParser(positiveInt)
          .default(1000),
      )
      .addOption(new Option('--seed <n>', 'the sample seed').argParser(Number).default(0))
      .addOption(
        new Option(
          '--max-mismatch-rate <rate>',
          'exit 1 when any feature mismatches more often than this (0: any mismatch fails)',
        ).argParser(rate),
      )
      .option(
        '--events <url>',
        'event log: nats://…, sqlite:path (default: KEEL_EVENTS or .keel/events.db)',
      )
      .addHelpText(
        'after',
        `
Every prediction served with a feature service logs the values it was given, with their status,
event time and known time. This samples those predictions, recomputes each value offline as of the
prediction's time (as of known time: what the online store could have had), and reports the rate
of mismatches per feature, with examples. Causes it catches: an online writer that transforms
values, materialization that lags or leaks rows not yet known, a definition changed without a new
version, TTL applied differently.

Examples:
  keel features check --sample 5000 --max-mismatch-rate 0.001
  keel features check --service flight_features --model flights --from 2001-06-01 --json`,
      )
      .action(
        async (
          opts: {
            service?: string
            model?: string
            from?: number
            to?: number
            sample: number
            seed: number
            maxMismatchRate?: number
            events?: string
          },
          cmd: Command,
        ) => {
          const g = globalOptions(cmd)
          await runCommand(g, async (out) => {
            const project = await load(g)
            const fs = await offlineOnly(project)
            const events = await openProjectEventLog(project, opts.events)
            try {
              out.progress.phase('checking logged feature values against the offline store')
              const report = await checkConsistency({
                events,
                store: fs.definitions,
                lookupView,
                pushedRows: fs.readRows,
                sample: opts.sample,
                seed: opts.seed,
                ...(opts.service === undefined ? {} : { service: opts.service }),
                ...(opts.model === undefined ? {} : { model: opts.model }),
                ...(opts.from === undefined ? {} : { from: opts.from }),
                ...(opts.to === undefined ? {} : { to: opts.to }),
              })
              out.result(report, () => renderConsistencyReport(report))
              const max = opts.maxMismatchRate
              if (max !== undefined && report.perFeature.some((f) => f.rate > max)) return 1
            } finally {
              await events.close()
              await fs.close()
            }
          })
        },
      ),
  )
}
