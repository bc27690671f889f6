/**
 * Monitoring: window by window, compare a model's logged predictions and delayed labels with the
 * training reference in its bundle (feature, output, label and multivariate drift), check data
 * quality against the pinned inputs, measure performance with bootstrap intervals and label
 * coverage, run streaming change detectors and raise de-duplicated alerts (log and webhook). The
 * result is a {@link MonitoringReport}, plain JSON; `reports/` renders it as HTML or text.
 *
 * @module
 */
export {
  monitoringConfigSchema,
  featureConsistencySchema,
  windowSpecSchema,
  durationSchema,
  type MonitoringConfig,
  type MonitoringConfigInput,
  type WindowSpec,
  type WebhookConfig,
  type FeatureConsistencyConfig,
} from './config.js'
export {
  monitorWindows,
  parseMonitoringConfig,
  type MonitorWindowsOptions,
} from './monitor-windows.js'
export {
  buildMonitoringReference,
  parseMonitoringReference,
  outputValues,
  type MonitoringReference,
  type MonitoringReferenceOptions,
  type ParsedMonitoringReference,
} from './reference.js'
export type { MonitoringReport, MonitoringAlert, AlertKind, AlertDelivery } from './report.js'
export type { FeatureDriftWindow, SeriesDriftWindow, MultivariateWindow } from './drift.js'
export type { QualityWindow, FieldQuality, CheckQuality } from './quality.js'
export type { PerformanceWindow, WindowMetric, WindowLabelLatency } from './performance.js'
export type { OperationalWindow } from './operational.js'
export type { DetectorRun, DetectorFiring } from './detectors.js'
export { parseDuration, type MonitoringWindow } from './windows.js'
export { pruneWorkspaceEvents, parseByteSize } from './event-retention.js'
export { evaluateAlerts } from './alerts.js'
export { dispatchAlerts, type DispatchOptions } from './dispatch.js'
export {
  readAlertState,
  writeAlertState,
  type AlertState,
  type AlertKeyState,
} from './alert-state.js'
export { postWebhook, type WebhookResult } from './webhook.js'
export { loadMonitoredBundle, type MonitoredBundle } from './registry-bundle.js'
export { runMonitoring, DEFAULT_MONITOR_INTERVAL, type RunMonitoringOptions } from './run.js'
export {
  fileTraffic,
  type FileRole,
  type FileTraffic,
  type FileTrafficOptions,
} from './file-traffic.js'
