import type { MonitoringReport } from '../../monitoring/report.js'
import type { MonitoringWindow } from '../../monitoring/windows.js'
import { fmtDuration } from '../kit/format.js'

/** A window's label: its UTC start (date only when the window is whole days). */
export const windowLabel = (report: MonitoringReport, w: MonitoringWindow): string => {
  const iso = new Date(w.start).toISOString()
  const dayAligned = report.window.by === 'time' && report.window.sizeMs % 86_400_000 === 0
  return dayAligned ? iso.slice(0, 10) : iso.slice(0, 16).replace('T', ' ')
}

/** The window size as written, e.g. `7d` or `10000 predictions`. */
export const windowSizeLabel = (report: MonitoringReport): string =>
  report.window.by === 'time'
    ? fmtDuration(report.window.sizeMs)
    : `${report.window.size} predictions`
