import type { LeakageShowcase } from './leakage-showcase.js'
import type { DemoPromotion } from './promote-phase.js'
import type { Output } from '../../output.js'

/** The leakage guard on the leaky and the point-in-time airport late rate, as text. */
export const renderShowcase = (s: LeakageShowcase, out: Output): string => {
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

/** Whether the gate let the version into production, and where its model card is. */
export const renderPromotion = (p: DemoPromotion, out: Output): string =>
  [
    p.promoted
      ? `${out.style('bold', 'production')}  ${p.model}:${p.alias} → v${p.version} — ${out.style('green', 'blessed')} by the gate and promoted (never forced)`
      : `${out.style('bold', 'production')}  not moved — the gate ${out.style('red', 'refused')} ${p.model} v${p.version}:\n${p.reasons.map((r) => `    ✗ ${r}`).join('\n')}`,
    `${out.style('bold', 'model card')}  ${p.card.html}`,
  ].join('\n')
