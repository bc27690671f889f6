import {
  KeelError,
  createRng,
  leakageReport,
  numericColumn,
  type Frame,
  type LeakageCheck,
} from '@keel/core'
import type { SourceSpec } from '../../../data/source.js'
import {
  STATUS_CODE,
  getHistoricalFeatures,
  resolveFeatureStore,
  serviceNamed,
  type GetHistoricalFeatures,
  type HistoricalFeatures,
  type ResolvedFeatureStore,
  type ServiceView,
} from '../../../features/index.js'
import type { Project } from '../../../project/index.js'
import { serviceViewKey } from '../../../training/feature-join.js'

/** What the leakage guard said about the feature joined as of known time and naively. */
export interface LeakageShowcase {
  /** The feature joined as of event time (the naive join). */
  readonly leaky: readonly LeakageCheck[]
  /** The same feature joined point in time, as of known time (what training uses). */
  readonly pointInTime: readonly LeakageCheck[]
}

/** The showcased feature: the origin airport's late rate over the 6 h before departure. */
export const SHOWCASE_FEATURE = 'origin_late_rate_6h'

/** The naive twin's column in the report's frame. */
const NAIVE = `${SHOWCASE_FEATURE}_as_of_event`

/**
 * The project's feature store with `serviceName` narrowed to the showcased feature: the same view,
 * key, prefix and missing-value policies, without the service's other features, whose views
 * would only be computed to be dropped.
 */
const showcaseStore = (
  project: Project,
  serviceName: string,
): { store: ResolvedFeatureStore; sv: ServiceView } => {
  const { config } = project
  const resolve = (featureServices: typeof config.featureServices) =>
    resolveFeatureStore({
      sources: config.sources as Readonly<Record<string, SourceSpec>>,
      entities: config.entities,
      featureViews: config.featureViews,
      onDemand: config.onDemand,
      featureServices,
    })
  const full = serviceNamed(resolve(config.featureServices), serviceName)
  const at = full.views.findIndex((v) =>
    v.features.some((f) => v.prefix + f.name === SHOWCASE_FEATURE),
  )
  const serviceConfig = config.featureServices.find((s) => s.name === serviceName)
  if (at < 0 || serviceConfig === undefined) {
    throw new KeelError(
      'INVALID_CONFIG',
      `feature service "${serviceName}" has no output "${SHOWCASE_FEATURE}"`,
      {
        path: ['featureServices', serviceName],
        details: { outputs: full.outputs.map((o) => o.name) },
      },
    )
  }
  const use = full.views[at]!
  const feature = use.features.find((f) => use.prefix + f.name === SHOWCASE_FEATURE)!
  const store = resolve([
    {
      ...serviceConfig,
      views: [{ ...serviceConfig.views[at]!, features: [feature.name] }],
      onDemand: [],
    },
  ])
  return { store, sv: serviceNamed(store, serviceName).views[0]! }
}

/**
 * The book's classic leak, on the real flights and through the feature store: the origin airport's
 * late rate over the 6 h before departure (`origin_late_rate_6h` of the project's feature service,
 * `flight_features`). Joined point in time — as of known time, the way training joins it — a
 * flight counts once it has landed; joined naively, as of event time, every flight that departed
 * in the window counts at once, including those still in the air at the row's departure. Both
 * joins report when each value really became available (for the naive one, when the last flight
 * it counts landed), and the leakage report, given those times as the feature's availability, must
 * flag the naive twin (time travel) and pass the point-in-time one.
 *
 * `frame` is the training frame (its prediction time is the contract's timestamp field); the
 * service, narrowed to that one feature, is joined to it both ways, and the joins' known times
 * become the availability columns.
 */
export const leakageShowcase = async (
  project: Project,
  frame: Frame,
  split: { train: Int32Array; validation: Int32Array; test: Int32Array },
  seed: number,
  join: GetHistoricalFeatures = getHistoricalFeatures,
): Promise<LeakageShowcase> => {
  const serviceName = project.config.dataset.featureService
  const timestamp = project.config.schema?.fields.find((f) => f.role === 'timestamp')?.name
  if (serviceName === undefined || timestamp === undefined) {
    throw new KeelError(
      'INVALID_CONFIG',
      'the leakage showcase joins dataset.featureService to rows with a timestamp field',
      { path: serviceName === undefined ? ['dataset', 'featureService'] : ['schema', 'fields'] },
    )
  }
  const { store, sv } = showcaseStore(project, serviceName)
  // The entity rows: the feature's key column and the prediction time.
  const rows = frame.select([sv.key, timestamp])
  const options = { service: serviceName, timeColumn: timestamp }
  const known = await join(store, rows, options)
  const naive = await join(store, rows, { ...options, asOf: 'event' })
  const viewKey = serviceViewKey(sv.prefix, sv.view.name)
  /** The feature's known times, NaN where the join found no value (nothing to judge there). */
  const knownAt = (h: HistoricalFeatures): Float64Array => {
    const times = Float64Array.from(h.knownTime[viewKey]!)
    const status = h.status[SHOWCASE_FEATURE]!
    for (let i = 0; i < times.length; i++) if (status[i] !== STATUS_CODE.present) times[i] = NaN
    return times
  }
  const withBoth = frame.withColumns({
    [SHOWCASE_FEATURE]: known.frame.column(SHOWCASE_FEATURE),
    [`${SHOWCASE_FEATURE}_known_at`]: numericColumn(knownAt(known)),
    [NAIVE]: naive.frame.column(SHOWCASE_FEATURE),
    [`${NAIVE}_known_at`]: numericColumn(knownAt(naive)),
  })
  const report = leakageReport({
    frame: withBoth,
    split,
    splitKind: 'time',
    label: project.config.label.column,
    task: 'binary',
    rng: createRng(seed).fork('leakage-showcase'),
    features: [NAIVE, SHOWCASE_FEATURE],
    timestamp,
    availability: {
      [NAIVE]: { column: `${NAIVE}_known_at` },
      [SHOWCASE_FEATURE]: { column: `${SHOWCASE_FEATURE}_known_at` },
    },
    pipelineFit: { trainOnly: true },
  })
  const about = (f: string): LeakageCheck[] => report.checks.filter((c) => c.feature === f)
  return { leaky: about(NAIVE), pointInTime: about(SHOWCASE_FEATURE) }
}
