import {
  buildReferenceProfile,
  profileCategorical,
  profileNumeric,
  safeParseReferenceProfile,
  type BundlePredictions,
  type FeatureReferenceProfile,
  type Frame,
  type Issue,
  type ReferenceProfile,
  type ReferenceProfileOptions,
} from '@keel/core'

/**
 * What a model bundle stores for monitoring: the training profile of every input feature (a
 * `keel.drift.reference` document) plus, optionally, the profile of the model's own output on the
 * training rows and of the training labels. With `output` present, prediction drift is measured
 * against training; without it, against the first monitored window. Likewise for `label`.
 */
export interface MonitoringReference extends ReferenceProfile {
  /** Binary: positive-class probability; multiclass: predicted class; regression: predicted value. */
  readonly output?: FeatureReferenceProfile
  /** The training labels: class names (classification) or values (regression). */
  readonly label?: FeatureReferenceProfile
}

/** Options of {@link buildMonitoringReference}. */
export interface MonitoringReferenceOptions extends ReferenceProfileOptions {
  /** The input features to profile (default: every column of the frame). */
  readonly features?: readonly string[]
  /**
   * The bundle's predictions on held-out rows (the validation split): predictions on the rows the
   * model was fitted on are more extreme than live ones, and would raise false output drift.
   */
  readonly predictions?: BundlePredictions
  /** Labels of those same held-out rows: class names for classification, numbers for regression. */
  readonly labels?: ArrayLike<string | number | null>
}

/**
 * The output a monitor tracks for one prediction batch: the positive-class probability for binary
 * tasks, the predicted class for multiclass, the value for regression.
 */
export const outputValues = (p: BundlePredictions): number[] | string[] => {
  if (p.task === 'regression') return p.prediction.map(Number)
  if (p.task === 'binary') {
    const out = new Array<number>(p.n)
    for (let i = 0; i < p.n; i++) out[i] = p.proba![2 * i + 1]!
    return out
  }
  return p.prediction.map(String)
}

const profileValues = (
  values: ArrayLike<string | number | null>,
  options: ReferenceProfileOptions,
): FeatureReferenceProfile => {
  let numeric = true
  for (let i = 0; i < values.length && numeric; i++) {
    const v = values[i]
    if (v !== null && typeof v !== 'number') numeric = false
  }
  if (numeric) {
    return profileNumeric(
      Array.from(values as ArrayLike<number | null>, (v) => v ?? NaN),
      options,
    )
  }
  return profileCategorical(Array.from(values, (v) => (v === null ? null : String(v))))
}

/**
 * Build the reference a bundle stores for monitoring: the input profile from the training rows
 * (raw inputs, before the feature pipeline) and, when given, the profile of the bundle's
 * predictions and of the labels on held-out rows.
 *
 * @example
 * const draft = ModelBundle.create(parts)
 * const reference = buildMonitoringReference(train.X, {
 *   features,
 *   predictions: draft.predict(validation.X),
 *   labels: validationLabels, // class names or numbers
 * })
 * const bundle = ModelBundle.create({ ...parts, reference })
 */
export const buildMonitoringReference = (
  frame: Frame,
  options: MonitoringReferenceOptions = {},
): MonitoringReference => {
  const base = buildReferenceProfile(frame, options)
  const profileOptions: ReferenceProfileOptions = {
    ...(options.bins === undefined ? {} : { bins: options.bins }),
    ...(options.sketchSize === undefined ? {} : { sketchSize: options.sketchSize }),
  }
  return {
    ...base,
    ...(options.predictions
      ? { output: profileValues(outputValues(options.predictions), profileOptions) }
      : {}),
    ...(options.labels ? { label: profileValues(options.labels, profileOptions) } : {}),
  }
}

/** A bundle's stored reference as the monitor reads it; absent parts are `null`. */
export interface ParsedMonitoringReference {
  readonly features: ReferenceProfile | null
  readonly output: FeatureReferenceProfile | null
  readonly label: FeatureReferenceProfile | null
  /** Problems with the stored document (a broken reference is reported, not fatal). */
  readonly issues: readonly Issue[]
}

const parsePart = (
  raw: unknown,
  name: 'output' | 'label',
  issues: Issue[],
): FeatureReferenceProfile | null => {
  if (raw === undefined || raw === null) return null
  const r = safeParseReferenceProfile({
    format: 'keel.drift.reference',
    formatVersion: 1,
    features: { [name]: raw },
  })
  if (r.ok) return r.value.features[name]!
  issues.push(...r.issues.map((i) => ({ ...i, path: [name, ...i.path.slice(2)] })))
  return null
}

/**
 * Read `bundle.reference`: a plain `keel.drift.reference` profile (what older bundles store) or a
 * {@link MonitoringReference} with output and label profiles. Never throws: a missing or invalid
 * reference yields `null` parts and issues, and the report says what it compared against instead.
 */
export const parseMonitoringReference = (raw: unknown): ParsedMonitoringReference => {
  if (raw === null || raw === undefined) {
    return { features: null, output: null, label: null, issues: [] }
  }
  const issues: Issue[] = []
  const r = safeParseReferenceProfile(raw)
  if (!r.ok) issues.push(...r.issues)
  const extra = typeof raw === 'object' ? (raw as { output?: unknown; label?: unknown }) : {}
  return {
    features: r.ok ? r.value : null,
    output: parsePart(extra.output, 'output', issues),
    label: parsePart(extra.label, 'label', issues),
    issues,
  }
}
