import { KeelError, fieldsWithRole, type Frame, type SchemaContract } from '@keel/core'

/**
 * Which columns a learner sees: the raw inputs the contract names as features, and a learner's own
 * subset of them (a config error when it names a column that is not there).
 */

/**
 * The raw columns a model may see: every feature-role column, plus the timestamp column when a
 * feature pipeline is declared (it derives time-of-day and calendar features from it).
 */
export const featureColumns = (
  contract: SchemaContract,
  frame: Frame,
  label: string,
  withPipeline: boolean,
): string[] => {
  const roles = withPipeline ? (['feature', 'timestamp'] as const) : (['feature'] as const)
  const wanted = new Set(roles.flatMap((r) => fieldsWithRole(contract, r)))
  const declared = contract.fields
    .map((f) => f.name)
    .filter((n) => wanted.has(n) && n !== label && frame.has(n))
  if (declared.length === 0) {
    throw new KeelError(
      'INVALID_CONFIG',
      'the schema contract marks no present column as a feature',
      {
        path: ['schema', 'fields'],
      },
    )
  }
  return declared
}

/** The columns of `X` a learner asked for (all of them when it names none). */
export const selectFeatures = (
  X: Frame,
  features: readonly string[] | undefined,
  entry: string,
): Frame => {
  if (!features) return X
  const missing = features.filter((f) => !X.has(f))
  if (missing.length > 0) {
    throw new KeelError(
      'INVALID_CONFIG',
      `learner "${entry}" names unknown features: ${missing.join(', ')}`,
      {
        details: { available: X.columnNames },
      },
    )
  }
  return X.select(features)
}
