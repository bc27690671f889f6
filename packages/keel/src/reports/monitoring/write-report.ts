import { join, resolve } from 'node:path'
import { renderMonitoringHtml } from './render-html.js'
import type { MonitoringReport } from '../../monitoring/report.js'
import { writeTextAtomic } from '../../monitoring/write-atomic.js'

/**
 * A report as JSON text ending in a newline: non-finite numbers become null, as everywhere in
 * Keel's JSON output; `compact` gives one line (for NDJSON streams).
 */
export const monitoringReportJson = (
  report: MonitoringReport,
  options: { readonly compact?: boolean } = {},
): string => {
  const replacer = (_k: string, v: unknown): unknown =>
    typeof v === 'number' && !Number.isFinite(v) ? null : v
  return `${JSON.stringify(report, replacer, options.compact ? undefined : 2)}\n`
}

/**
 * Write a report as HTML and JSON side by side (atomically, so a reader never sees half a page):
 * to `out` (its `.json` twin beside it) or to `<workspace>/reports/monitor-<model>-<time>.html`.
 */
export const writeMonitoringReport = async (
  report: MonitoringReport,
  options: { readonly workspace: string; readonly out?: string; readonly cwd?: string },
): Promise<{ readonly html: string; readonly json: string }> => {
  const stamp = report.generatedAt.replace(/[:.]/g, '-')
  const safeModel = report.model.replace(/[^A-Za-z0-9_.-]/g, '_')
  const html = options.out
    ? resolve(options.cwd ?? process.cwd(), options.out)
    : join(options.workspace, 'reports', `monitor-${safeModel}-${stamp}.html`)
  const json = html.replace(/\.html?$/i, '') + '.json'
  await writeTextAtomic(html, renderMonitoringHtml(report))
  await writeTextAtomic(json, monitoringReportJson(report))
  return { html, json }
}
