import type { InputField, ReferenceProfile } from '@keel/core'

/** The categories each categorical input took in training, and where they were read from. */
export interface SeenCategories {
  /** Per categorical input: the categories that occur in the training rows. */
  readonly byField: ReadonlyMap<string, readonly string[]>
  /**
   * Inputs the bundle's training profile does not cover: their categories come from the pinned
   * input schema instead, which bundles trained before this rule took from the whole dataset's
   * dictionary (so a category that only occurs in the test rows counts as seen there).
   */
  readonly fromSchema: readonly string[]
}

/**
 * What "seen in training" means for a categorical input, once for the whole report: the
 * categories with a non-zero count in the bundle's training profile (`bundle.reference`, built
 * from the training rows only), the same profile the drift tests align categories against; the
 * quality section's unseen share and the drift statistics' unseen share therefore agree. Only an
 * input the profile lacks falls back to the input schema's `categories`.
 */
export const seenCategories = (
  reference: ReferenceProfile | null,
  fields: readonly InputField[],
): SeenCategories => {
  const byField = new Map<string, readonly string[]>()
  const fromSchema: string[] = []
  for (const field of fields) {
    if (field.kind !== 'categorical') continue
    const profile = reference?.features[field.name]
    if (profile?.kind === 'categorical') {
      byField.set(
        field.name,
        profile.categories.filter((_, i) => profile.counts[i]! > 0),
      )
    } else if (field.categories) {
      byField.set(field.name, field.categories)
      fromSchema.push(field.name)
    }
  }
  return { byField, fromSchema }
}
