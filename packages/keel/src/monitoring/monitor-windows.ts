import {
  DRIFT_REPORT_NOTE,
  KeelError,
  type Frame,
  type ModelBundle,
  type RowCheck,
  zodIssues,
} from '@keel/core'
import {
  joinLabels,
  readEvents,
  type EventLog,
  type JoinedLabel,
  type PredictionEvent,
} from '../stores/events/index.js'
import type { LookupView, ReadViewRows } from '../features/api.js'
import type { ResolvedFeatureStore } from '../features/definitions.js'
import { checkWindows } from '../features/check/windows.js'
import { evaluateAlerts } from './alerts.js'
import {
  featureConsistencySchema,
  monitoringConfigSchema,
  windowSpecSchema,
  type MonitoringConfig,
  type MonitoringConfigInput,
} from './config.js'
import { runDetectors } from './detectors.js'
import { dispatchAlerts, type DispatchOptions } from './dispatch.js'
import {
  correctWindowFamilies,
  driftOptions,
  featureDrift,
  monitoredFeatures,
  multivariateDrift,
  seriesDrift,
} from './drift.js'
import { encodeLabel, eventOutput, labelForProfile, type TaskInfo } from './event-values.js'
import { loggedInputs } from './input-frame.js'
import { SERVING_METRICS_NOTE, windowOperational } from './operational.js'
import { monitoredMetrics, windowPerformance } from './performance.js'
import { windowQuality } from './quality.js'
import { parseMonitoringReference } from './reference.js'
import { seenCategories } from './seen-categories.js'
import type { MonitoringReport } from './report.js'
import { parseDuration, sliceWindows } from './windows.js'

/** Options of {@link monitorWindows}. */
export interface MonitorWindowsOptions {
  readonly eventLog: EventLog
  /** The bundle whose training reference, inputs and task the log is compared with. */
  readonly bundle: ModelBundle
  /** The model name predictions were logged under. */
  readonly model: string
  /** Only predictions made by this bundle version (default: every version of the model). */
  readonly version?: string
  /** The registry version of `bundle`, for the report's header. */
  readonly bundleVersion?: string
  /** Only predictions made at or after this time (epoch ms or ISO-8601). */
  readonly from?: number | string
  /** Only predictions made before this time (epoch ms or ISO-8601). */
  readonly to?: number | string
  /** How to cut the log; overrides `config.window`. `size` is a duration or a count. */
  readonly window?:
    | { readonly by: 'time'; readonly size: string | number }
    | { readonly by: 'count'; readonly size: number }
  /** The `monitoring` section of the project config (defaults apply to what is absent). */
  readonly config?: MonitoringConfigInput
  /** Training rows for adversarial validation; without them window k is compared with window 0. */
  readonly referenceSample?: Frame
  /** Declared cross-field checks (the project's schema contract `checks`). */
  readonly rowChecks?: readonly RowCheck[]
  /** Labels that arrived after this instant are ignored (default: now). */
  readonly asOf?: number
  /** Send fresh alerts to the configured sinks, de-duplicated through a state file. */
  readonly dispatch?: DispatchOptions
  /**
   * Model inputs the monitored rows do not carry at all (a file without those columns): left out
   * of drift and quality, and listed as not tested, instead of counted as missing in every row.
   */
  readonly absentInputs?: readonly string[]
  /**
   * Check the feature values each window's predictions were served with against the offline
   * point-in-time values (`featureConsistency` in the config; `feature_skew` alerts). Without it
   * nothing about features is checked.
   */
  readonly featureConsistency?: {
    readonly store: ResolvedFeatureStore
    readonly lookupView: LookupView
    readonly pushedRows?: ReadViewRows
  }
}

/** Validate a `monitoring` config section; `INVALID_CONFIG` with one issue per problem. */
export const parseMonitoringConfig = (raw: unknown = {}): MonitoringConfig => {
  const r = monitoringConfigSchema.safeParse(raw ?? {})
  if (r.success) return r.data
  const issues = zodIssues(r.error.issues).map((i) => ({ ...i, path: ['monitoring', ...i.path] }))
  throw new KeelError(
    'INVALID_CONFIG',
    `monitoring config is not valid: ${issues[0]!.path.join('.')}: ${issues[0]!.message}`,
    {
      issues,
    },
  )
}

const instant = (v: number | string | undefined, name: string): number | undefined => {
  if (v === undefined) return undefined
  const t = typeof v === 'number' ? v : Date.parse(v)
  if (!Number.isFinite(t))
    throw new KeelError('INVALID_ARGUMENT', `${name} is not a date: ${String(v)}`, { path: [name] })
  return t
}

const collectPredictions = async (
  o: MonitorWindowsOptions,
  from?: number,
  to?: number,
): Promise<PredictionEvent[]> => {
  const out: PredictionEvent[] = []
  const scan = {
    kinds: ['prediction'] as const,
    model: o.model,
    // Larger pages than the default: a monitoring run reads the whole range anyway.
    limit: 5000,
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
  }
  for await (const e of readEvents(o.eventLog, scan)) {
    if (e.kind !== 'prediction' || e.model !== o.model) continue
    if (o.version !== undefined && e.version !== o.version) continue
    out.push(e)
  }
  // Stable: events with equal times keep their append order.
  return out.sort((a, b) => a.time - b.time)
}

/** The consistency check per window, when the run was given a feature store with services. */
const featureConsistency = async (
  o: MonitorWindowsOptions,
  config: MonitoringConfig,
  windows: readonly (readonly PredictionEvent[])[],
) => {
  const f = o.featureConsistency
  if (!f || f.store.services.size === 0) return null
  const c = config.featureConsistency ?? featureConsistencySchema.parse({})
  return checkWindows(windows, {
    store: f.store,
    lookupView: f.lookupView,
    ...(f.pushedRows ? { pushedRows: f.pushedRows } : {}),
    sample: c.sample,
    seed: c.seed,
    ...(c.relativeTolerance === undefined ? {} : { tolerance: { relative: c.relativeTolerance } }),
  })
}

/**
 * Compare a model's logged predictions and delayed labels, window by window, with the training
 * reference stored in its bundle: feature, output, label and multivariate drift; data quality
 * against the pinned inputs; performance with bootstrap intervals and label coverage; operational
 * figures; streaming detectors; and alerts against the configured thresholds (sent, de-duplicated,
 * when `dispatch` is given). The result is plain JSON.
 *
 * @example
 * const report = await monitorWindows({ eventLog, bundle, model: 'flights', window: { by: 'time', size: '7d' } })
 * report.drift.windows.at(-1)?.report?.driftedFeatures // ['distance']
 */
export const monitorWindows = async (o: MonitorWindowsOptions): Promise<MonitoringReport> => {
  const parsed = parseMonitoringConfig(o.config ?? {})
  const config: MonitoringConfig = o.window
    ? { ...parsed, window: windowSpecSchema.parse(o.window) }
    : parsed
  const from = instant(o.from, 'from')
  const to = instant(o.to, 'to')
  if (from !== undefined && to !== undefined && !(from < to)) {
    throw new KeelError('INVALID_ARGUMENT', 'from must be before to')
  }
  const asOf = o.asOf ?? Date.now()
  const bundle = o.bundle
  const info: TaskInfo = { task: bundle.task, classes: bundle.label.classes }
  const metrics = monitoredMetrics(info.task, config)
  const notes: string[] = []

  const predictions = await collectPredictions(o, from, to)
  const slices = sliceWindows(predictions, config.window, {
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    asOf,
  })
  const windows = slices.map((s) => s.window)
  const windowOf = new Map<string, number>()
  slices.forEach((s, k) => s.events.forEach((e) => windowOf.set(e.id, k)))

  // Labels: those that arrived by `asOf` for the predictions analysed (the join never looks
  // before the first prediction, so a label cannot be credited to one outside the range).
  const joinedPerWindow: JoinedLabel[][] = windows.map(() => [])
  let join = {
    joined: [] as readonly JoinedLabel[],
    unmatched: [] as readonly unknown[],
    superseded: [] as readonly unknown[],
  }
  if (predictions.length > 0) {
    const labelsFrom = predictions[0]!.time
    join = await joinLabels(o.eventLog, {
      from: labelsFrom,
      to: Math.max(asOf, labelsFrom),
      model: o.model,
      lookbackMs: 0,
    })
  }
  const joined = join.joined.filter((j) => windowOf.has(j.prediction.id))
  for (const j of joined) joinedPerWindow[windowOf.get(j.prediction.id)!]!.push(j)

  const reference = parseMonitoringReference(bundle.reference)
  for (const i of reference.issues)
    notes.push(`bundle reference: ${i.path.join('.')}: ${i.message}`)
  const absent = new Set(o.absentInputs ?? [])
  const inputs = bundle.inputs.filter((f) => !absent.has(f.name))
  const { monitored, skippedFeatures } = monitoredFeatures(reference.features, bundle.inputs)
  for (const name of absent) {
    if (!(name in monitored)) continue
    delete monitored[name]
    skippedFeatures.push({ feature: name, reason: 'not a column of the monitored rows' })
  }
  const featureNames = Object.keys(monitored)
  const seen = seenCategories(reference.features, inputs)
  if (seen.fromSchema.length > 0) {
    notes.push(
      `The training profile has no categories for ${seen.fromSchema.join(', ')}: unseen categories there are judged against the input schema, which may list categories of rows outside training.`,
    )
  }
  if (!reference.features) {
    notes.push(
      'The bundle stores no training reference (bundle.reference), so feature drift is not tested; train stores one with buildMonitoringReference.',
    )
  }

  const logged = slices.map((s) => loggedInputs(s.events, inputs))
  const frames = logged.map((l) => l.frame.select(featureNames))
  const options = driftOptions(config)
  const driftWindows = reference.features
    ? featureDrift({ ...reference.features, features: monitored }, frames, config)
    : []

  const outputs = slices.map((s) =>
    s.events.map((e) => eventOutput(e, info)).filter((v): v is number | string => v !== null),
  )
  const output = seriesDrift('output', reference.output, outputs, config)
  const labelValues = joinedPerWindow.map((js) =>
    js
      .map((j) => encodeLabel(j.label.label, info))
      .filter((v): v is number => v !== null)
      .map((v) => labelForProfile(v, info)),
  )
  const labels = seriesDrift('label', reference.label, labelValues, config)
  const family = correctWindowFamilies(driftWindows, output.windows, labels.windows, config)
  // Without a reference profile, adversarial validation still works on every non-timestamp input.
  const advFeatures =
    featureNames.length > 0
      ? featureNames
      : inputs.filter((f) => f.kind !== 'timestamp').map((f) => f.name)
  const sample = o.referenceSample
  const multivariate = multivariateDrift(
    logged.map((l) => l.frame.select(advFeatures)),
    advFeatures,
    sample?.select(advFeatures.filter((f) => sample.has(f))),
    config,
  )

  const quantity = {
    binary: `p(${info.classes?.[1] ?? 'positive'})`,
    multiclass: 'predicted class',
    regression: 'predicted value',
  }[info.task]
  if (output.basis === 'first_window')
    notes.push(
      `The bundle has no output profile: prediction drift compares each window with window ${output.windows.findIndex((w) => w.status === 'baseline')}.`,
    )
  if (labels.basis === 'first_window')
    notes.push(
      `The bundle has no label profile: label drift compares each window with window ${labels.windows.findIndex((w) => w.status === 'baseline')}.`,
    )
  if (multivariate.basis === 'first_window')
    notes.push(
      'No training rows were given for adversarial validation: each window is compared with the first one large enough.',
    )
  const consistency = await featureConsistency(
    o,
    config,
    slices.map((s) => s.events),
  )
  for (const w of consistency ?? []) {
    if (w.undeclared.length > 0)
      notes.push(
        `Window ${w.window}: predictions served with feature service(s) the project no longer declares (${w.undeclared.join(', ')}) were not checked.`,
      )
  }
  const operational = slices.map((s) => windowOperational(s.window, s.events))
  if (operational.length > 0 && operational.every((w) => w.latency === null))
    notes.push(SERVING_METRICS_NOTE)
  notes.push(DRIFT_REPORT_NOTE)
  notes.push(
    'Within a window the features, the model output and the labels are corrected as one family of tests; windows are not corrected against each other, and autocorrelated traffic makes every test optimistic.',
  )

  const body = {
    format: 'keel.monitoring.report' as const,
    formatVersion: 1 as const,
    model: o.model,
    version: o.bundleVersion ?? o.version ?? null,
    task: info.task,
    classes: info.classes ?? null,
    generatedAt: new Date().toISOString(),
    asOf,
    range: { from: from ?? null, to: to ?? null },
    window:
      config.window.by === 'time'
        ? { by: 'time' as const, sizeMs: parseDuration(config.window.size) }
        : { by: 'count' as const, size: config.window.size },
    events: {
      predictions: predictions.length,
      labelled: joined.length,
      unmatchedLabels: join.unmatched.length,
      supersededLabels: join.superseded.length,
    },
    windows,
    drift: {
      basis: reference.features ? ('reference' as const) : ('none' as const),
      features: featureNames,
      skippedFeatures,
      alpha: config.drift.alpha,
      correction: config.drift.correction,
      numericEffect: options.numericEffect ?? {
        metric: 'wasserstein_normalized' as const,
        threshold: 0.1,
      },
      categoricalEffect: options.categoricalEffect ?? {
        metric: 'jensen_shannon' as const,
        threshold: 0.1,
      },
      windows: family.features,
    },
    output: { quantity, basis: output.basis, windows: family.output },
    labels: { basis: labels.basis, windows: family.labels },
    multivariate: { ...multivariate, threshold: config.drift.adversarialAuc },
    quality: logged.map((l, k) => windowQuality(k, l, inputs, o.rowChecks ?? [], seen)),
    performance: {
      metrics,
      level: config.bootstrap.level,
      coverageMin: config.coverage.min ?? null,
      bounds: config.performance,
      windows: slices.map((s) =>
        windowPerformance(s.window, joinedPerWindow[s.window.index]!, info, metrics, config),
      ),
    },
    operational,
    detectors: config.detectors.enabled
      ? runDetectors(predictions, joined, info, reference.output, windowOf, config)
      : [],
    ...(consistency ? { featureConsistency: consistency } : {}),
    notes,
  }
  const report: MonitoringReport = { ...body, alerts: evaluateAlerts(body, config), delivery: null }
  return o.dispatch ? dispatchAlerts(report, config, o.dispatch) : report
}
