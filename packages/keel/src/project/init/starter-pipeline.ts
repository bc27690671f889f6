import type { ColumnProfile, ContractField, FrameProfile } from '@keel/core'

/** One step of the starter column transformer, as plain data (rendered into the config). */
export interface StarterStep {
  readonly name: string
  readonly transformer: { readonly kind: string; readonly params: Record<string, unknown> }
  readonly columns: { readonly kinds?: readonly string[]; readonly roles?: readonly string[] }
  /** The columns it reads today, for init's output (the config selects by kind or role). */
  readonly reads: readonly string[]
}

const HOUR = 3_600_000
const DAY = 24 * HOUR

/**
 * Calendar parts worth deriving from a timestamp: the year always (the trend a split by time
 * needs a model to see), then month, day of week and hour when the mean spacing between distinct
 * instants is fine enough for them to vary. A yearly column (cars' model years) gives the year
 * alone, so no constant columns reach the model.
 */
export const timeParts = (p: ColumnProfile | undefined): string[] => {
  if (!p || p.kind !== 'timestamp' || p.min === null || p.max === null) return ['year']
  const gaps = Math.max(1, p.distinct.value - 1)
  const spacing = (p.max - p.min) / gaps
  const parts = ['year']
  if (spacing < 180 * DAY) parts.push('month')
  if (spacing < 4 * DAY) parts.push('dayOfWeek')
  if (spacing < 6 * HOUR) parts.push('hour')
  return parts
}

/**
 * The starter feature pipeline for the inferred fields: median imputation (with missing flags)
 * for numbers, one-hot for categories, hashed bags of words for free text, calendar parts for the
 * timestamp. A step is written only when a field it would read exists, so the pipeline never
 * starts with a step that selects nothing.
 */
export const starterSteps = (
  fields: readonly ContractField[],
  label: string,
  profile: FrameProfile,
): StarterStep[] => {
  const role = (f: ContractField): string => f.role ?? 'feature'
  const features = fields.filter((f) => role(f) === 'feature' && f.name !== label)
  const ofKind = (kind: string): string[] =>
    features.filter((f) => f.kind === kind).map((f) => f.name)
  const steps: StarterStep[] = []
  const numbers = ofKind('numeric')
  if (numbers.length > 0) {
    steps.push({
      name: 'numbers',
      transformer: { kind: 'imputer', params: { strategy: 'median', indicator: true } },
      columns: { kinds: ['numeric'] },
      reads: numbers,
    })
  }
  const categories = ofKind('categorical')
  if (categories.length > 0) {
    steps.push({
      name: 'categories',
      transformer: { kind: 'one-hot-encoder', params: { maxCategories: 20 } },
      columns: { kinds: ['categorical'] },
      reads: categories,
    })
  }
  const text = ofKind('text')
  if (text.length > 0) {
    steps.push({
      name: 'text',
      // Stateless: a word never seen in training still has a bucket at serving.
      transformer: { kind: 'hashing-vectorizer', params: { nFeatures: 256 } },
      columns: { kinds: ['text'] },
      reads: text,
    })
  }
  const times = fields.filter((f) => role(f) === 'timestamp' && f.kind === 'timestamp')
  if (times.length > 0) {
    const byName = new Map(profile.columns.map((c) => [c.name, c]))
    // One step covers every timestamp column; the finest one decides the parts.
    const parts = times
      .map((f) => timeParts(byName.get(f.name)))
      .reduce((a, b) => (b.length > a.length ? b : a))
    steps.push({
      name: 'time',
      transformer: { kind: 'time-features', params: { parts } },
      columns: { roles: ['timestamp'] },
      reads: times.map((f) => f.name),
    })
  }
  return steps
}
