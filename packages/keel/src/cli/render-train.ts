import type { TrainResult } from '../training/train.js'
import type { Output } from './output.js'

const fmt = (v: number | null | undefined, digits = 3): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits)

const count = (n: number): string => n.toLocaleString('en-US')

const day = (ms: number | undefined): string =>
  ms === undefined ? '?' : new Date(ms).toISOString().slice(0, 10)

/** The served evaluation of the best candidate and the gate's verdict, with its reasons. */
const renderGate = (r: TrainResult, out: Output): string[] => {
  const e = r.evaluation
  const p = e.primary
  const ci =
    p?.lower !== undefined && p.upper !== undefined ? ` [${fmt(p.lower)}, ${fmt(p.upper)}]` : ''
  const post = [
    e.threshold === null ? '' : `threshold ${fmt(e.threshold)}`,
    e.calibrator === 'none' ? '' : `${e.calibrator} calibration`,
  ].filter(Boolean)
  const champion = e.champion
    ? ` · vs production v${e.champion.version}: ${e.champion.difference >= 0 ? '+' : ''}${fmt(e.champion.difference)} (p ${fmt(e.champion.pValue)})`
    : ''
  const verdict =
    e.verdict === 'unchecked'
      ? out.style('yellow', 'not judged')
      : e.blessed
        ? out.style('green', 'blessed')
        : out.style('red', 'refused')
  return [
    `${out.style('bold', 'served')}   ${e.primaryMetric} ${fmt(p?.value)}${ci} on test${post.length ? ` · ${post.join(', ')}` : ''}${champion}`,
    `${out.style('bold', 'gate')}     ${verdict} — ${e.statement}`,
    ...e.reasons.map((m) => `         ${out.style('red', '✗')} ${m}`),
  ]
}

/** The readable summary of a train run: data, split, a table of every learner, the outcome. */
export const renderTrain = (r: TrainResult, out: Output): string => {
  const lines: string[] = []
  const s = r.split
  const dropped = [
    r.droppedInvalid > 0 ? `${count(r.droppedInvalid)} rows breaking the contract dropped` : '',
    r.droppedUnlabelled > 0 ? `${count(r.droppedUnlabelled)} unlabelled rows dropped` : '',
  ].filter(Boolean)
  lines.push(
    `${out.style('bold', 'data ')}    ${count(r.rows)} rows · ${r.features.length} input columns · contract ${r.validation.ok ? 'satisfied' : `${count(r.validation.summary.violations)} violations`}${dropped.length ? ` (${dropped.join(', ')})` : ''}`,
  )
  const parts = (['train', 'validation', 'test'] as const).map((p) => {
    const range = s.timeRanges?.[p]
    const when = range ? ` ${day(range.min)}…${day(range.max)}` : ''
    return `${p} ${count(s.sizes[p])}${when}`
  })
  lines.push(`${out.style('bold', 'split')}    ${s.kind}: ${parts.join(' · ')}`)
  const balance = s.labelBalance
  if (balance?.type === 'classes' && r.classes) {
    const pos = r.classes[r.classes.length - 1]!
    const rates = (['train', 'validation', 'test'] as const).map(
      (p) => `${(100 * (balance.rates[p][pos] ?? 0)).toFixed(1)}%`,
    )
    lines.push(
      `         ${r.classes.length === 2 ? `positive ("${pos}") rate` : `"${pos}" rate`} ${rates.join(' / ')}`,
    )
  }
  if (s.duplicates.crossSplitGroups > 0) {
    lines.push(
      `         ${out.style('yellow', '!')} ${count(s.duplicates.crossSplitGroups)} exact-duplicate feature rows cross splits`,
    )
  }
  if (r.leakage) {
    const l = r.leakage
    const flagged = l.checks.filter((c) => c.status === 'fail' || c.status === 'warn')
    const tag =
      l.summary.status === 'pass'
        ? out.style('green', 'pass')
        : out.style(l.summary.status === 'fail' ? 'red' : 'yellow', l.summary.status)
    lines.push(
      `${out.style('bold', 'leakage')}  ${tag} — ${l.summary.counts.pass ?? 0} checks passed, ${flagged.length} flagged`,
    )
    for (const c of flagged.slice(0, 6)) {
      lines.push(
        `         ${c.status === 'fail' ? out.style('red', '✗') : out.style('yellow', '!')} ${c.check}${c.feature ? ` ${c.feature}` : ''}: ${c.message}`,
      )
    }
  }
  lines.push('')
  const m = r.primaryMetric
  const second = r.metrics.find((x) => x !== m)
  const header = [
    'learner',
    'role',
    `${m} (val)`,
    `${m} (test)`,
    ...(second ? [`${second} (test)`] : []),
    'fit s',
  ]
  const rows = r.results.map((x) => [
    x.name + (x.name === r.best ? ' ★' : ''),
    x.role,
    fmt(x.metrics.validation[m]),
    fmt(x.metrics.test[m]),
    ...(second ? [fmt(x.metrics.test[second])] : []),
    x.status === 'failed' ? `failed: ${x.error?.code ?? ''}` : x.fitSeconds.toFixed(1),
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)))
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
  lines.push(out.style('bold', line(header)))
  for (const row of rows) lines.push(line(row))
  lines.push('')
  const best = r.results.find((x) => x.name === r.best)!
  const base = r.results.find((x) => x.name === r.bestBaseline)
  const bt = best.metrics.test[m]
  const bb = base?.metrics.test[m]
  lines.push(
    `${out.style('bold', 'best')}     ${r.best} — ${m} ${fmt(bt)} on the test split${base && bb != null ? ` vs ${fmt(bb)} for the best baseline (${base.name})` : ''}`,
  )
  lines.push(...renderGate(r, out))
  lines.push(
    `${out.style('bold', 'saved')}    run ${r.runId} · ${r.bundle.version === null ? 'bundle' : `model ${r.bundle.model} v${r.bundle.version} (${r.evaluation.status})`} (${r.bundle.digest.slice(0, 19)}…)`,
  )
  lines.push(`${out.style('bold', 'report')}   ${r.evaluation.card.html}`)
  for (const x of r.results.filter((y) => y.status === 'failed')) {
    lines.push(`${out.style('red', 'failed')}   ${x.name}: ${x.error?.code} ${x.error?.message}`)
  }
  return lines.join('\n')
}
