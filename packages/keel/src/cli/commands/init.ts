import { relative, resolve } from 'node:path'
import { Option, type Command } from 'commander'
import { initProject, type InitTask } from '../../project/init/index.js'
import { globalOptions, withGlobalOptions } from '../global.js'
import { runCommand } from '../output.js'
import { parsePositiveInt } from './options.js'

/** `keel init <data file>`: write a starter keel.config.ts with the inferred schema. */
export const registerInit = (program: Command): void => {
  withGlobalOptions(
    program
      .command('init')
      .description(
        'write a starter keel.config.ts for a data file: the inferred schema contract, a feature pipeline for every column kind, learners and a gate; it trains as written',
      )
      .argument('<file>', 'a CSV, Parquet, JSON or NDJSON file')
      .option(
        '--label <column>',
        'the label column (default: a column named label, target, y, class or outcome)',
      )
      .addOption(
        new Option('--task <task>', 'the task (default: from the label)').choices([
          'binary',
          'multiclass',
          'regression',
        ]),
      )
      .option('--name <name>', 'project name (default: the folder name)')
      .addOption(
        new Option('--rows <n>', 'rows to sample for inference')
          .argParser(parsePositiveInt)
          .default(100_000),
      )
      .option('-f, --force', 'overwrite an existing keel.config.ts')
      .action(
        async (
          file: string,
          opts: { label?: string; task?: InitTask; name?: string; rows: number; force?: boolean },
          cmd: Command,
        ) => {
          const g = globalOptions(cmd)
          await runCommand(g, async (out) => {
            const cwd = resolve(g.cwd ?? process.cwd())
            const result = await initProject({
              data: file,
              cwd,
              ...(g.config === undefined ? {} : { config: g.config }),
              ...(opts.label === undefined ? {} : { label: opts.label }),
              ...(opts.task === undefined ? {} : { task: opts.task }),
              ...(opts.name === undefined ? {} : { name: opts.name }),
              rows: opts.rows,
              ...(opts.force ? { force: true } : {}),
              progress: out.progress,
            })
            out.result(result, () =>
              [
                `wrote ${relative(cwd, result.file) || result.file}: ${result.fields.length} fields, label "${result.label}" (${result.task})`,
                ...result.notes.map((n) => `  note: ${n.column}: ${n.message}`),
                `  pipeline: ${result.steps.map((s) => `${s.name} (${s.kind}: ${s.reads.join(', ')})`).join('; ') || 'none'}`,
                ...(result.split
                  ? [
                      `  split: ${result.split.kind}${result.split.column ? ` on "${result.split.column}"` : ''}`,
                    ]
                  : []),
                `  gate: ${Object.keys(result.gate.beatBaselines ?? {}).join(', ')} must beat every baseline; no significant regression from the champion`,
                'next: review the schema, then `keel data validate` and `keel train`',
              ].join('\n'),
            )
          })
        },
      ),
  )
}
