import { z } from 'zod'
import { KeelError } from '../../errors/index.js'
import { MODEL_FORMAT_VERSION } from '../registry.js'
import type { FeatureSpec, ModelJSON, Task } from '../protocol.js'

/** Zod schema of one pinned feature, shared by every model document. */
export const featureSpecSchema = z.union([
  z.strictObject({ name: z.string(), kind: z.literal('numeric') }),
  z.strictObject({
    name: z.string(),
    kind: z.literal('categorical'),
    categories: z.array(z.string()),
  }),
])

/** The header every `keel-model` document carries; model schemas extend it. */
export const modelHeaderSchema = z.object({
  format: z.literal('keel-model'),
  formatVersion: z.number().int().min(1),
  kind: z.string(),
  task: z.enum(['binary', 'multiclass', 'regression']),
  features: z.array(featureSpecSchema),
  classes: z.array(z.string()).optional(),
})

/**
 * Parse a model document of `kind` against `schema`. Anything else — another kind, a newer format
 * version, a missing or mistyped field, a non-finite number — is an `UNSUPPORTED_FORMAT` error with
 * one issue per problem, so a corrupted file never becomes a half-loaded model.
 */
export const parseModelDocument = <S extends z.ZodType>(
  kind: string,
  schema: S,
  json: ModelJSON | unknown,
): z.output<S> => {
  const doc = json as Partial<ModelJSON> | null
  if (typeof doc === 'object' && doc !== null) {
    if (typeof doc.formatVersion === 'number' && doc.formatVersion > MODEL_FORMAT_VERSION) {
      throw new KeelError(
        'UNSUPPORTED_FORMAT',
        `model format version ${doc.formatVersion} is newer than this Keel reads (${MODEL_FORMAT_VERSION}); upgrade Keel`,
        { path: ['formatVersion'] },
      )
    }
    if (doc.kind !== kind) {
      throw new KeelError(
        'UNSUPPORTED_FORMAT',
        `expected a "${kind}" model, got "${String(doc.kind)}"`,
        {
          path: ['kind'],
        },
      )
    }
  }
  const r = schema.safeParse(json)
  if (r.success) return r.data
  const issues = r.error.issues.map((i) => ({
    code: i.code,
    path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
    message: i.message,
  }))
  throw new KeelError(
    'UNSUPPORTED_FORMAT',
    `malformed "${kind}" model: ${issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ')}`,
    { issues },
  )
}

/**
 * Fail with `UNSUPPORTED_FORMAT` unless `ok`: for the cross-field checks a schema cannot express
 * (matrix sizes that must agree with the number of features or classes).
 */
export const assertModelShape = (ok: boolean, kind: string, message: string): void => {
  if (!ok) throw new KeelError('UNSUPPORTED_FORMAT', `malformed "${kind}" model: ${message}`)
}

/**
 * The header fields every fitted model writes first (format, version, kind, task, features and,
 * for classifiers, classes); a model's `toJSON` spreads it and adds its own fields.
 */
export const modelDocumentHeader = (model: {
  readonly kind: string
  readonly task: Task
  readonly features: readonly FeatureSpec[]
  readonly classes: readonly string[] | undefined
}): ModelJSON => ({
  format: 'keel-model',
  formatVersion: MODEL_FORMAT_VERSION,
  kind: model.kind,
  task: model.task,
  features: model.features,
  ...(model.classes ? { classes: model.classes } : {}),
})
