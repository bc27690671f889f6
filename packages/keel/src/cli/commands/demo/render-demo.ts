import { dirname, relative, resolve } from 'node:path'
import type { LeakageShowcase } from './leakage-showcase.js'
import type { DemoResult } from './run-demo.js'
import type { DemoPromotion } from './promote-phase.js'
import type { Output } from '../../output.js'

/** The leakage guard on the airport late rate joined naively and point in time, as text. */
export const renderShowcase = (s: LeakageShowcase, out: Output): string => {
  const line = (c: LeakageShowcase['leaky'][number]): string =>
    `    ${c.status === 'fail' ? out.style('red', '✗ fail') : c.status === 'warn' ? out.style('yellow', '! warn') : c.status === 'pass' ? out.style('green', '✓ pass') : '- skip'}  ${c.check}: ${c.message}`
  return [
    out.style('bold', 'leakage guard') +
      " — the feature store's origin_late_rate_6h (origin airport's late rate over the 6 h before departure):",
    '  joined as of event time, the naive join (counts flights that departed in the window but had not landed yet):',
    ...s.leaky.map(line),
    '  joined as of known time, as training joins it (counts a flight once it has landed):',
    ...s.pointInTime.map(line),
  ].join('\n')
}

/** Whether the gate let the version into production, and where its model card is. */
export const renderPromotion = (p: DemoPromotion, out: Output): string =>
  [
    p.promoted
      ? `${out.style('bold', 'production')}  ${p.model}:${p.alias} → v${p.version} — ${out.style('green', 'blessed')} by the gate and promoted (never forced)`
      : `${out.style('bold', 'production')}  not moved — the gate ${out.style('red', 'refused')} ${p.model} v${p.version}:\n${p.reasons.map((r) => `    ✗ ${r}`).join('\n')}`,
    `${out.style('bold', 'model card')}  ${p.card.html}`,
  ].join('\n')

/** A command the demo suggests next, and what it shows. */
export interface NextStep {
  readonly command: string
  readonly what: string
}

/**
 * The commands to continue with in the demo's folder: each runs there on the demo's workspace
 * through the `keel.config.ts` the demo wrote.
 */
export const demoNextSteps = (r: DemoResult): NextStep[] => {
  const { model, version, promoted, alias } = r.promotion
  return [
    { command: 'keel runs list', what: 'the runs: baselines and candidates with their metrics' },
    { command: 'keel models list', what: 'the registered versions and where the aliases point' },
    promoted
      ? { command: 'keel serve', what: `HTTP predictions for ${model}:${alias} (v${version})` }
      : {
          command: `keel serve ${model}@${version}`,
          what: 'HTTP predictions for the refused version',
        },
    ...(r.replay
      ? [
          {
            command: promoted ? 'keel monitor report' : `keel monitor report ${model}@${version}`,
            what: 'the monitoring report of the replayed month',
          },
        ]
      : []),
  ]
}

/** Where to go and what to run next; `cwd` is where the demo was started. */
export const renderNextSteps = (r: DemoResult, steps: readonly NextStep[], cwd: string): string => {
  const here = resolve(cwd) === dirname(r.workspace)
  const where = here ? ', here' : ''
  const head =
    r.config.status === 'written'
      ? `next${where} (keel.config.ts loads the flights example; the workspace is .keel):`
      : `next${where} — note: ${r.config.file} is another project's config, so these commands run that project; use \`keel demo --dir <empty folder>\` for a folder of the demo's own:`
  const width = Math.max(...steps.map((s) => s.command.length))
  return [
    head,
    ...(here ? [] : [`  cd ${relative(cwd, dirname(r.workspace)) || '.'}`]),
    ...steps.map((s) => `  ${s.command.padEnd(width)}  ${s.what}`),
  ].join('\n')
}
