import { resolve } from 'node:path'
import { Option, type Command } from 'commander'
import { runDemo } from './run-demo.js'
import { globalOptions, withGlobalOptions } from '../../global.js'
import { runCommand } from '../../output.js'
import { demoNextSteps, renderNextSteps, renderPromotion, renderShowcase } from './render-demo.js'
import { renderReplay } from './render-replay.js'
import { renderTrain } from '../../render-train.js'
import { parsePositiveInt, parseRows } from '../options.js'

/** The options of `keel demo`. */
interface DemoFlags {
  rows: number | 'all'
  dir: string
  replay: boolean
  replayFlights: number
}

/**
 * `keel demo`: the flights example (`examples/flights`, so a clone of the Keel repository) end to
 * end on the embedded default.
 */
export const registerDemo = (program: Command): void => {
  withGlobalOptions(
    program
      .command('demo')
      .description(
        'run the flagship flights example end to end (embedded stores under ./.keel, nothing to install)',
      )
      .addOption(
        new Option('--rows <n|all>', 'flights to sample (seeded) from the 3M, or all')
          .argParser(parseRows)
          .default(300_000),
      )
      .option(
        '--dir <dir>',
        'where to keep the demo workspace (<dir>/.keel, and <dir>/keel.config.ts loading the example)',
        '.',
      )
      .option(
        '--no-replay',
        'skip the live phase (serve, replay June with delayed labels, monitor)',
      )
      .addOption(
        new Option('--replay-flights <n>', 'flights the replay sends (a seeded sample of June)')
          .argParser(parsePositiveInt)
          .default(20_000),
      )
      .action(async (opts: DemoFlags, cmd: Command) => {
        const g = globalOptions(cmd)
        await runCommand(g, async (out) => {
          const t0 = performance.now()
          const replay = opts.replay ? opts.replayFlights : false
          const result = await runDemo({
            root: resolve(g.cwd ?? process.cwd(), opts.dir),
            rows: opts.rows,
            progress: out.progress,
            replay,
          })
          const seconds = (performance.now() - t0) / 1000
          const next = demoNextSteps(result)
          out.result({ ...result, next, seconds }, () =>
            [
              out.style(
                'bold',
                'Keel demo — flights: will this flight arrive more than 15 minutes late?',
              ),
              '',
              renderTrain(result.train, out),
              '',
              renderShowcase(result.leakage, out),
              '',
              renderPromotion(result.promotion, out),
              '',
              ...(result.replay ? [renderReplay(result.replay, out), ''] : []),
              `workspace ${result.workspace} · ${seconds.toFixed(0)} s`,
              renderNextSteps(result, next, process.cwd()),
            ].join('\n'),
          )
        })
      }),
  )
}
