import { fmtNumber, fmtPercent } from '../../reports/kit/format.js'
import type { ComparedValue, ConsistencyReport } from './report.js'

const iso = (t: number | null): string => (t === null ? '—' : new Date(t).toISOString())

const cell = (v: ComparedValue | null): string => {
  if (v === null) return 'not logged'
  if (v.error !== undefined) return `error: ${v.error}`
  const value = v.status === 'present' ? JSON.stringify(v.value) : v.status
  return v.eventTime === null ? value : `${value} (event ${iso(v.eventTime)})`
}

/** Columns padded to their widest cell; numbers right-aligned. */
const table = (
  header: readonly string[],
  rows: readonly (readonly string[])[],
  right: ReadonlySet<number>,
): string[] => {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)))
  const line = (r: readonly string[]) =>
    r
      .map((v, c) => (right.has(c) ? v.padStart(widths[c]!) : v.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd()
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)]
}

/**
 * A consistency report as text for a terminal: the header (service, range, counts), one line per
 * feature with its mismatch rate, and the examples of each feature that has mismatches.
 *
 * @example
 * console.log(renderConsistencyReport(await checkConsistency({ events, store, lookupView })))
 */
export const renderConsistencyReport = (report: ConsistencyReport): string => {
  const r = report
  const tol =
    r.tolerance.relative === null && r.tolerance.absolute === null
      ? 'exact'
      : [
          r.tolerance.relative === null ? null : `relative ${r.tolerance.relative}`,
          r.tolerance.absolute === null ? null : `absolute ${r.tolerance.absolute}`,
        ]
          .filter((s) => s !== null)
          .join(', ')
  const out = [
    `Feature service ${r.service} (version ${r.version}): online/offline consistency`,
    `  range      ${iso(r.window.from)} → ${iso(r.window.to)}`,
    `  compared   ${r.checked} of ${r.sampled} sampled predictions (${r.eligible} in range; seed ${r.sample.seed}, at most ${r.sample.max})`,
    `  skipped    ${r.versionChanged} served by another version, ${r.unverifiable} without their keys`,
    `  offline    as of ${r.asOf} time; values compared ${tol}`,
    `  overall    ${r.overall.predictionsWithMismatch} prediction(s) with a mismatch (${fmtPercent(r.overall.rate)})`,
    '',
    ...table(
      ['feature', 'from', 'checked', 'mismatches', 'rate', 'status', 'value'],
      r.perFeature.map((f) => [
        f.feature,
        f.source.kind === 'view' ? f.source.view : 'on demand',
        fmtNumber(f.checked),
        fmtNumber(f.mismatches),
        fmtPercent(f.rate),
        fmtNumber(f.byReason.status),
        fmtNumber(f.byReason.value),
      ]),
      new Set([2, 3, 4, 5, 6]),
    ),
  ]
  for (const f of r.perFeature) {
    if (f.examples.length === 0) continue
    out.push('', `Examples for ${f.feature}:`)
    out.push(
      ...table(
        ['prediction', 'key', 'at', 'served', 'offline'],
        f.examples.map((e) => [
          e.predictionId,
          Object.entries(e.key)
            .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
            .join(' '),
          iso(e.at),
          cell(e.served),
          cell(e.offline),
        ]),
        new Set(),
      ).map((l) => `  ${l}`),
    )
  }
  if (r.notes.length > 0) out.push('', ...r.notes.map((n) => `Note: ${n}`))
  return `${out.join('\n')}\n`
}
