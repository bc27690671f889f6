import { Option, type Command } from 'commander'
import { runDemo } from './run-demo.js'
import { globalOptions, withGlobalOptions } from '../../global.js'
import { runCommand } from '../../output.js'
import { renderReplay } from './render-replay.js'
import { renderTrain } from '../../render-train.js'
import { parsePositiveInt, parseRows } from '../options.js'
import type { LeakageShowcase } from './leakage-showcase.js'
import type { DemoPromotion } from './promote-phase.js'
import type { Output } from '../../output.js'

const renderShowcase = (s: LeakageShowcase, out: Output): string => {
  const line = (c: LeakageShowcase['leaky'][number]): string =>
    `    ${c.status === 'fail' ? out.style('red', '✗ fail') : c.status === 'warn' ? out.style('yellow', '! warn') : c.status === 'pass' ? out.style('green', '✓ pass') : '- skip'}  ${c.check}: ${c.message}`
  return [
    out.style('bold', 'leakage guard') + " — an origin airport's late rate as a feature:",
    '  computed over the hour of departure (uses flights that had not landed yet):',
    ...s.leaky.map(line),
    '  computed point in time (flights departed in the 6 h before, labels known 2 h after departure):',
    ...s.pointInTime.map(line),
  ].join('\n')
}

const renderPromotion = (p: DemoPromotion, out: Output): string =>
  [
    p.promoted
      ? `${out.style('bold', 'production')}  ${p.model}:${p.alias} → v${p.version} — ${out.style('green', 'blessed')} by the gate and promoted (never forced)`
      : `${out.style('bold', 'production')}  not moved — the gate ${out.style('red', 'refused')} ${p.model} v${p.version}:\n${p.reasons.map((r) => `    ✗ ${r}`).join('\n')}`,
    `${out.style('bold', 'model card')}  ${p.card.html}`,
  ].join('\n')
/** The options of `keel demo`. */
interface DemoFlags {
  rows: number | 'all'
  dir: string
  replay: boolean
  replayFlights: number
}

/** `keel demo`: the flights example end to end on the embedded default. */
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
      .option('--dir <dir>', 'where to keep the demo workspace (<dir>/.keel)', '.')
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
            root: opts.dir,
            rows: opts.rows,
            progress: out.progress,
            replay,
          })
          const seconds = (performance.now() - t0) / 1000
          out.result({ ...result, seconds }, () =>
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
              `workspace ${result.workspace} · ${seconds.toFixed(0)} s · next: keel runs list, keel models list`,
            ].join('\n'),
          )
        })
      }),
  )
}
