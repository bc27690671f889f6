import { isAbsolute, join, resolve } from 'node:path'
import { InvalidArgumentError, Option, type Command } from 'commander'
import { isKeelError } from '@keel/core'
import { parseByteSize, pruneWorkspaceEvents } from '../../monitoring/event-retention.js'
import { parseDuration } from '../../monitoring/windows.js'
import { loadProject } from '../../project/index.js'
import { workspaceOf, type WorkspacePaths } from '../../project/workspace.js'
import type { PruneResult } from '../../stores/index.js'
import { globalOptions, withGlobalOptions } from '../global.js'
import { runCommand, type GlobalOptions } from '../output.js'

const durationArg = (v: string): number => {
  try {
    return parseDuration(v)
  } catch {
    throw new InvalidArgumentError('expected a duration such as 30d, 12h or 2w')
  }
}

const sizeArg = (v: string): number => {
  try {
    return parseByteSize(v)
  } catch {
    throw new InvalidArgumentError('expected a size such as 500MB, 5GB or 2GiB')
  }
}

/** The project's workspace, or a bare one in the current directory when there is no config. */
const workspacePaths = async (g: GlobalOptions): Promise<WorkspacePaths> => {
  const cwd = g.cwd ?? process.cwd()
  try {
    return await loadProject({ cwd, ...(g.config ? { config: g.config } : {}) })
  } catch (e) {
    if (g.config !== undefined || !isKeelError(e) || e.code !== 'FILE_NOT_FOUND') throw e
    return workspaceOf(cwd)
  }
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`
const day = (ms: number | null): string => (ms === null ? '—' : new Date(ms).toISOString())

const render = (r: PruneResult): string =>
  [
    `${r.dryRun ? 'would expire' : 'expired'} ${r.expiring.events} events (${r.expiring.predictions} predictions, ${r.expiring.labels} labels, ${mb(r.expiring.bytes)}) of the ${r.backend} log`,
    `  from ${day(r.expiring.from)} to ${day(r.expiring.to)}`,
    `  kept ${r.keptForLabels} predictions still waiting for their label`,
    `  policy: ${r.policy}`,
    r.archive ? `  archived to ${r.archive.file}` : '  not archived',
    `  log size ${mb(r.usedBytesBefore)} → ${mb(r.usedBytesAfter)}`,
  ].join('\n')

/** `keel events prune`: retention of the prediction and label event log. */
export const registerEvents = (program: Command): void => {
  const events = program
    .command('events')
    .description('the prediction and label event log: retention')
  withGlobalOptions(
    events
      .command('prune')
      .description(
        'remove events past a maximum age or beyond a maximum size, archiving them to Parquet first; predictions still waiting for a label within the label horizon are kept',
      )
      .addOption(
        new Option('--max-age <duration>', 'events older than this expire, e.g. 30d').argParser(
          durationArg,
        ),
      )
      .addOption(
        new Option(
          '--max-bytes <size>',
          'beyond this size, the oldest events expire, e.g. 5GB',
        ).argParser(sizeArg),
      )
      .addOption(
        new Option(
          '--label-horizon <duration>',
          'predictions younger than this without a label are kept (default 30d, the label-join lookback)',
        ).argParser(durationArg),
      )
      .option(
        '--export-dir <dir>',
        'where the expiring events are archived as Parquet (relative to the project)',
        '.keel/archive',
      )
      .option('--no-export', 'remove without archiving')
      .option(
        '--events <url>',
        'event log: nats://…, sqlite:path (default: KEEL_EVENTS or .keel/events.db)',
      )
      .option('--dry-run', 'only report what would expire')
      .addHelpText(
        'after',
        `
Retention removes events older than --max-age, then the oldest events (in append order) while the
log takes more than --max-bytes. A prediction made within --label-horizon whose label has not
arrived (by prediction id, or by entity at or after its time) is never removed, so a late label
still finds it; it expires on a later run. The expiring events are written to one Parquet file
(keel-events-<time>-<backend>.parquet: id, kind, time, model, version, request_id, body) before
they are removed. The SQLite log records each removal in keel_event_removals and refuses any
other delete. Its file does not shrink: freed pages are reused by new events.`,
      )
      .action(
        async (
          opts: {
            maxAge?: number
            maxBytes?: number
            labelHorizon?: number
            exportDir: string
            export: boolean
            events?: string
            dryRun?: boolean
          },
          cmd: Command,
        ) => {
          const g = globalOptions(cmd)
          await runCommand(g, async (out) => {
            const paths = await workspacePaths(g)
            const exportDir = isAbsolute(opts.exportDir)
              ? opts.exportDir
              : resolve(join(paths.root, opts.exportDir))
            const result = await pruneWorkspaceEvents(paths, {
              ...(opts.events === undefined ? {} : { url: opts.events }),
              ...(opts.maxAge === undefined ? {} : { maxAgeMs: opts.maxAge }),
              ...(opts.maxBytes === undefined ? {} : { maxBytes: opts.maxBytes }),
              ...(opts.labelHorizon === undefined ? {} : { labelHorizonMs: opts.labelHorizon }),
              ...(opts.export ? { exportDir } : {}),
              dryRun: opts.dryRun ?? false,
            })
            out.result(result, () => render(result))
          })
        },
      ),
  )
}
