import { Option, type Command } from 'commander'
import { learnerDefinitions } from '@keel/core'
import { loadProject } from '../../project/index.js'
import { trainProject } from '../../training/train.js'
import { globalOptions, withGlobalOptions } from '../global.js'
import { runCommand } from '../output.js'
import { renderTrain } from '../render-train.js'
import { parseRows } from './options.js'

/** The learner kinds a config's baselines and candidates may name, one line each. */
const learnerHelp = (): string => {
  const defs = learnerDefinitions()
  const width = Math.max(...defs.map((d) => d.kind.length))
  return [
    '',
    'Learners (the kind of a candidate or baseline in the config):',
    ...defs.map((d) => `  ${d.kind.padEnd(width)}  ${d.description}`),
    '',
  ].join('\n')
}

/** `keel train`: split → features → baselines → candidates → evaluation and gate → registry. */
export const registerTrain = (program: Command): void => {
  withGlobalOptions(
    program
      .command('train')
      .description(
        'train the baselines and candidates, evaluate the best one against the gate, record the runs, register its bundle (approved when blessed) and write its model card',
      )
      .addOption(
        new Option(
          '--rows <n|all>',
          'sample this many rows (seeded), or all (default: dataset.sample)',
        ).argParser(parseRows),
      )
      .option('--no-register', 'do not register the best bundle as a new model version')
      .addHelpText('after', learnerHelp())
      .action(async (opts: { rows?: number | 'all'; register: boolean }, cmd: Command) => {
        const g = globalOptions(cmd)
        await runCommand(g, async (out) => {
          const project = await loadProject({
            cwd: g.cwd ?? process.cwd(),
            ...(g.config ? { config: g.config } : {}),
          })
          const { result } = await trainProject(project, {
            ...(opts.rows === undefined ? {} : { rows: opts.rows }),
            register: opts.register,
            progress: out.progress,
          })
          out.result(result, () => renderTrain(result, out))
        })
      }),
  )
}
