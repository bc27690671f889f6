import type { MonitoringConfig } from './config.js'
import { fmtCompact, fmtCompactPercent } from '../reports/kit/format.js'
import type { AlertKind, MonitoringAlert, MonitoringReport } from './report.js'
import { parseDuration } from './windows.js'

type Draft = Omit<
  MonitoringAlert,
  'key' | 'status' | 'since' | 'firstSeenAt' | 'fresh' | 'notified' | 'windowKey'
>

const fmt = fmtCompact
const pct = fmtCompactPercent

const draft = (
  kind: AlertKind,
  subject: string,
  window: number,
  message: string,
  value: number | null,
  threshold: number | null,
  severity: MonitoringAlert['severity'] = 'warning',
): Draft => ({ kind, subject, severity, window, message, value, threshold })

type ReportBody = Omit<MonitoringReport, 'alerts' | 'delivery'>

const driftAlerts = (r: ReportBody, out: Draft[]): void => {
  for (const w of r.drift.windows) {
    for (const f of w.report?.features ?? []) {
      if (!f.drifted) continue
      out.push(
        draft(
          'feature_drift',
          f.feature,
          w.window,
          `feature "${f.feature}" drifted: ${f.effect.metric} ${fmt(f.effect.value)} ≥ ` +
            `${fmt(f.effect.threshold)}, adjusted p ${fmt(f.adjustedPValue)}`,
          f.effect.value,
          f.effect.threshold,
        ),
      )
    }
  }
  const series = [
    ['output_drift', 'output', r.output.windows],
    ['label_drift', 'label', r.labels.windows],
  ] as const
  for (const [kind, subject, windows] of series) {
    for (const w of windows) {
      const f = w.result
      if (!f?.drifted) continue
      out.push(
        draft(
          kind,
          subject,
          w.window,
          `${subject === 'output' ? 'prediction' : 'label'} distribution drifted: ` +
            `${f.effect.metric} ${fmt(f.effect.value)} ≥ ${fmt(f.effect.threshold)}, p ${fmt(f.pValue)}`,
          f.effect.value,
          f.effect.threshold,
        ),
      )
    }
  }
  for (const w of r.multivariate.windows) {
    if (!w.drifted || w.auc === undefined) continue
    out.push(
      draft(
        'multivariate_drift',
        'adversarial',
        w.window,
        `a classifier tells this window from the ${r.multivariate.basis === 'reference_sample' ? 'training rows' : 'first window'} ` +
          `with ROC AUC ${fmt(w.auc)} ≥ ${fmt(r.multivariate.threshold)}`,
        w.auc,
        r.multivariate.threshold,
      ),
    )
  }
}

const qualityAlerts = (r: ReportBody, config: MonitoringConfig, out: Draft[]): void => {
  const q = config.quality
  for (const w of r.quality) {
    if (w.rows < config.minRows) continue
    const s = w.schemaViolations
    if (s.rate > q.schemaViolationRate) {
      out.push(
        draft(
          'quality',
          'schema',
          w.window,
          `${pct(s.rate)} of rows break the input schema`,
          s.rate,
          q.schemaViolationRate,
        ),
      )
    }
    for (const f of w.fields) {
      if (f.missingRate > q.missingRate) {
        out.push(
          draft(
            'quality',
            `missing_rate:${f.field}`,
            w.window,
            `"${f.field}" is missing in ${pct(f.missingRate)} of rows`,
            f.missingRate,
            q.missingRate,
          ),
        )
      }
      if (f.outOfRange && f.outOfRange.rate > q.outOfRangeRate) {
        const [lo, hi] = f.outOfRange.range
        out.push(
          draft(
            'quality',
            `out_of_range:${f.field}`,
            w.window,
            `${pct(f.outOfRange.rate)} of "${f.field}" values lie outside the training range [${fmt(lo)}, ${fmt(hi)}]`,
            f.outOfRange.rate,
            q.outOfRangeRate,
          ),
        )
      }
      if (f.unseen && f.unseen.rate > q.unseenRate) {
        out.push(
          draft(
            'quality',
            `unseen:${f.field}`,
            w.window,
            `${pct(f.unseen.rate)} of "${f.field}" values are categories never seen in training`,
            f.unseen.rate,
            q.unseenRate,
          ),
        )
      }
    }
    for (const c of w.checks) {
      if (c.rate > q.checkFailureRate) {
        out.push(
          draft(
            'quality',
            `check:${c.name}`,
            w.window,
            `check "${c.name}" fails on ${pct(c.rate)} of rows`,
            c.rate,
            q.checkFailureRate,
          ),
        )
      }
    }
  }
}

const performanceAlerts = (r: ReportBody, config: MonitoringConfig, out: Draft[]): void => {
  for (const w of r.performance.windows) {
    for (const m of w.metrics) {
      const bound = config.performance[m.metric]
      if (!bound || m.estimate === null) continue
      const ci = m.lower !== null && m.upper !== null ? ` (CI ${fmt(m.lower)}–${fmt(m.upper)})` : ''
      if (bound.min !== undefined && m.estimate < bound.min) {
        out.push(
          draft(
            'performance',
            m.metric,
            w.window,
            `${m.metric} ${fmt(m.estimate)}${ci} < ${fmt(bound.min)}`,
            m.estimate,
            bound.min,
            'critical',
          ),
        )
      } else if (bound.max !== undefined && m.estimate > bound.max) {
        out.push(
          draft(
            'performance',
            m.metric,
            w.window,
            `${m.metric} ${fmt(m.estimate)}${ci} > ${fmt(bound.max)}`,
            m.estimate,
            bound.max,
            'critical',
          ),
        )
      }
    }
  }
  const min = config.coverage.min
  if (min === undefined) return
  const settle = config.coverage.settle === undefined ? 0 : parseDuration(config.coverage.settle)
  for (const w of r.performance.windows) {
    const win = r.windows[w.window]!
    if (w.predictions < config.minRows || win.end + settle > r.asOf) continue
    if (w.coverage < min) {
      out.push(
        draft(
          'coverage',
          'labels',
          w.window,
          `only ${pct(w.coverage)} of predictions have a label`,
          w.coverage,
          min,
        ),
      )
    }
  }
}

const detectorAlerts = (r: ReportBody, out: Draft[]): void => {
  for (const d of r.detectors) {
    const windows = new Map<number, number>()
    for (const f of d.detections)
      if (f.window >= 0) windows.set(f.window, (windows.get(f.window) ?? 0) + 1)
    for (const [window, n] of windows) {
      out.push(
        draft(
          'detector',
          d.detector,
          window,
          `${d.detector} detected a change ${n === 1 ? 'once' : `${n} times`} in ${d.stream}`,
          n,
          null,
        ),
      )
    }
  }
}

const skewAlerts = (r: ReportBody, config: MonitoringConfig, out: Draft[]): void => {
  const max = config.featureConsistency?.maxMismatchRate ?? 0.01
  for (const w of r.featureConsistency ?? []) {
    for (const c of w.reports) {
      for (const f of c.perFeature) {
        if (f.checked < config.minRows || !(f.rate > max)) continue
        out.push(
          draft(
            'feature_skew',
            `${c.service}.${f.feature}`,
            w.window,
            `feature "${f.feature}" of service "${c.service}" was served a value the offline ` +
              `point-in-time rule does not give in ${pct(f.rate)} of ${f.checked} checked predictions`,
            f.rate,
            max,
          ),
        )
      }
    }
  }
}

/**
 * Turn a report's findings into alerts against the configured thresholds, window by window. An
 * alert is `new` (and `fresh`) when its key was not active in the previous window; ongoing
 * conditions stay in the report but are not re-sent. Windows below `minRows` raise no rate-based
 * alerts.
 */
export const evaluateAlerts = (report: ReportBody, config: MonitoringConfig): MonitoringAlert[] => {
  const drafts: Draft[] = []
  driftAlerts(report, drafts)
  qualityAlerts(report, config, drafts)
  performanceAlerts(report, config, drafts)
  detectorAlerts(report, drafts)
  skewAlerts(report, config, drafts)
  drafts.sort((a, b) => a.window - b.window)
  const active = new Map<string, { last: number; since: string }>()
  return drafts.map((d): MonitoringAlert => {
    const key = `${d.kind}:${d.subject}`
    const windowKey = report.windows[d.window]!.key
    const before = active.get(key)
    const fresh = before?.last !== d.window - 1 && before?.last !== d.window
    const since = fresh ? windowKey : before!.since
    active.set(key, { last: d.window, since })
    return {
      ...d,
      key,
      windowKey,
      status: since === windowKey ? 'new' : 'ongoing',
      since,
      firstSeenAt: report.generatedAt,
      fresh,
      notified: false,
    }
  })
}
