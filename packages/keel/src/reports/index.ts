/**
 * Reports: JSON documents a person or a UI reads, and their rendering as self-contained HTML (and
 * text for the terminal).
 *
 * - The model card: a {@link ModelCard} assembled from an evaluation report, the bundle and the
 *   registry's lineage; rendered as one HTML page with inline SVG charts and written beside its
 *   JSON.
 * - The monitoring report: a {@link MonitoringReport} made by `monitorWindows`; rendered as HTML
 *   or text and written beside its JSON.
 * - The kit both are built with (escaping, page shell, tables, SVG charts, number formatting), for
 *   the dashboard to come.
 *
 * @module
 */
export {
  modelCard,
  importanceFromPermutation,
  leakageItems,
  type ModelCard,
  type ModelCardInput,
  type ImportanceItem,
  type LeakageItem,
  type CardLineage,
} from './model-card/model-card.js'
export { renderModelCardHtml } from './model-card/render-html.js'
export { writeModelCard, cardBaseName, type WrittenCard } from './model-card/write-card.js'
export type { MonitoringReport, MonitoringAlert } from '../monitoring/report.js'
export { renderMonitoringHtml } from './monitoring/render-html.js'
export { renderMonitoringText } from './monitoring/render-text.js'
export { writeMonitoringReport, monitoringReportJson } from './monitoring/write-report.js'
export {
  escapeHtml,
  html,
  SafeHtml,
  table,
  badge,
  htmlPage,
  BASE_CSS,
  REPORT_CSP,
  type HtmlValue,
} from './kit/html.js'
export {
  lineChart,
  intervalChart,
  windowLineChart,
  windowBarChart,
  COLORS,
  CHART_CSS,
  type ChartSeries,
  type LineChartOptions,
  type IntervalRow,
  type WindowPoint,
  type WindowLineChartOptions,
} from './kit/svg.js'
export {
  fmtNumber,
  fmtCompact,
  fmtPercent,
  fmtCompactPercent,
  fmtSignificant,
  fmtInterval,
  fmtP,
  fmtDate,
  fmtDuration,
} from './kit/format.js'
