import type { Logger } from 'pino'
import { logger as sharedLogger } from '../util/logger.js'
import { readAlertState, writeAlertState, type AlertKeyState } from './alert-state.js'
import type { MonitoringConfig } from './config.js'
import type { AlertDelivery, MonitoringAlert, MonitoringReport } from './report.js'
import { postWebhook } from './webhook.js'

/** Where alerts go and where their de-duplication state lives. */
export interface DispatchOptions {
  /**
   * The state file that de-duplicates alerts across runs (e.g. `.keel/monitor-state.json`).
   * Without it, alerts are de-duplicated within the run only.
   */
  readonly stateFile?: string
  /** The sinks; default: the monitoring config's `alerts`. */
  readonly alerts?: MonitoringConfig['alerts']
  /** The pino logger for the log sink (default: Keel's shared logger on stderr). */
  readonly logger?: Logger
  /**
   * Send and record (default true). With `false`, the state file is only read, so a report made
   * without notifying still shows which alerts an earlier run raised, and when; nothing is sent
   * or written, and `delivery` stays `null`.
   */
  readonly send?: boolean
}

const streamKey = (report: MonitoringReport): string =>
  `${report.model}|${report.window.by}:${report.window.by === 'time' ? report.window.sizeMs : report.window.size}`

/** The key of the window before `index`, if it is known (time windows extend before the range). */
const previousWindowKey = (report: MonitoringReport, index: number): string | undefined => {
  const prev = report.windows[index - 1]
  if (prev) return prev.key
  if (report.window.by !== 'time') return undefined
  return new Date(report.windows[index]!.start - report.window.sizeMs).toISOString()
}

/**
 * Send a report's new alerts to the sinks, once. An alert key that was active in the previous
 * window — in this run or, through the state file, in an earlier one — is an ongoing condition and
 * is not sent again; one an earlier run already raised in the same window stays `new` (with that
 * run's `firstSeenAt`) but is not sent again either; a key that went quiet and came back is sent
 * again. When the webhook fails
 * after its retries, the state of the keys it carried is not advanced, so the next run retries
 * them. Returns the report with `fresh`, `notified` and `delivery` filled in.
 */
export const dispatchAlerts = async (
  report: MonitoringReport,
  config: Pick<MonitoringConfig, 'alerts'>,
  options: DispatchOptions = {},
): Promise<MonitoringReport> => {
  const log = options.logger ?? sharedLogger()
  const sinks = options.alerts ?? config.alerts
  const loaded = options.stateFile ? await readAlertState(options.stateFile) : null
  if (loaded?.problem) log.warn({ stateFile: options.stateFile }, loaded.problem)
  const all = loaded?.state ?? {}
  const stream = streamKey(report)
  const before: Record<string, AlertKeyState> = { ...all[stream] }
  const keys: Record<string, AlertKeyState> = { ...before }

  const decided = report.alerts.map((a): MonitoringAlert => {
    const w = report.windows[a.window]!
    const st = keys[a.key]
    if (st && w.start < st.lastWindowStart) {
      // A window before the last one the state knows: already raised. Part of the state's run
      // when that run began at or before it, and then first seen when that run was.
      const sameRun =
        st.firstWindowStart === undefined
          ? st.firstWindowKey === a.since
          : st.firstWindowStart <= w.start
      if (!sameRun) return { ...a, fresh: false }
      return {
        ...a,
        status: st.firstWindowKey === w.key ? 'new' : 'ongoing',
        since: st.firstWindowKey,
        firstSeenAt: st.firstSeenAt ?? a.firstSeenAt,
        fresh: false,
      }
    }
    // Raised before: in this very window by an earlier run, or in the window before.
    const raised =
      st !== undefined &&
      (st.lastWindowKey === w.key || st.lastWindowKey === previousWindowKey(report, a.window))
    const next: AlertKeyState = raised
      ? {
          lastWindowKey: w.key,
          lastWindowStart: w.start,
          firstWindowKey: st.firstWindowKey,
          firstWindowStart: st.firstWindowStart,
          firstSeenAt: st.firstSeenAt ?? report.generatedAt,
        }
      : {
          lastWindowKey: w.key,
          lastWindowStart: w.start,
          firstWindowKey: w.key,
          firstWindowStart: w.start,
          firstSeenAt: report.generatedAt,
        }
    keys[a.key] = next
    return {
      ...a,
      status: next.firstWindowKey === w.key ? 'new' : 'ongoing',
      since: next.firstWindowKey,
      firstSeenAt: next.firstSeenAt!,
      fresh: !raised,
    }
  })
  if (options.send === false) return { ...report, alerts: decided }
  const fresh = decided.filter((a) => a.fresh)

  let logged = 0
  if (sinks.log) {
    for (const a of fresh) {
      log.warn(
        { alert: a, model: report.model, version: report.version },
        `monitoring alert: ${a.message}`,
      )
      logged++
    }
  }
  let webhook: AlertDelivery['webhook'] = null
  if (sinks.webhook && fresh.length > 0) {
    webhook = await postWebhook(sinks.webhook, {
      format: 'keel.monitor.alerts',
      model: report.model,
      version: report.version,
      generatedAt: report.generatedAt,
      alerts: fresh,
    })
    if (!webhook.ok) {
      log.error(
        { attempts: webhook.attempts, error: webhook.error },
        'monitoring alert webhook failed',
      )
      // Leave these keys as they were, so the next run sends them again.
      for (const a of fresh) {
        if (before[a.key]) keys[a.key] = before[a.key]!
        else delete keys[a.key]
      }
    }
  }
  const delivered = webhook === null || webhook.ok
  if (options.stateFile) await writeAlertState(options.stateFile, { ...all, [stream]: keys })
  return {
    ...report,
    alerts: decided.map((a) => ({
      ...a,
      notified: a.fresh && delivered && (sinks.log || webhook !== null),
    })),
    delivery: { fresh: fresh.length, logged, webhook, stateFile: options.stateFile ?? null },
  }
}
