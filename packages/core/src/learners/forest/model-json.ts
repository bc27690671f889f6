import { z } from 'zod'
import { KeelError } from '../../errors/index.js'
import { modelHeaderSchema, parseModelDocument } from '../shared/model-document.js'
import { parseTree } from '../gbdt/model-json.js'
import type { FeatureSpec, ModelJSON } from '../protocol.js'
import { MODEL_FORMAT_VERSION } from '../registry.js'
import type { ForestTree } from './forest-tree.js'
import { forestOutputs, type ForestState } from './model-state.js'
import { extraTreesParamsSchema, randomForestParamsSchema } from './params.js'

/** Version of the `forest` payload inside a Keel model document; readers accept ≤ this. */
export const FOREST_PAYLOAD_VERSION = 1

/** The fitted-model kinds of the two forest learners. */
export const RANDOM_FOREST_MODEL_KIND = 'random-forest'
export const EXTRA_TREES_MODEL_KIND = 'extra-trees'

const paramsSchemaOf = (kind: string) =>
  kind === EXTRA_TREES_MODEL_KIND ? extraTreesParamsSchema : randomForestParamsSchema

/**
 * One tree in JSON: the GBDT's node arrays (creation order, children after parents; null
 * thresholds stand for +Infinity) with `values` node-major, `outputs` values per node.
 */
const treeSchema = z.strictObject({
  feature: z.array(z.number().int().min(-1)),
  threshold: z.array(z.number().nullable()),
  left: z.array(z.number().int()),
  right: z.array(z.number().int()),
  defaultLeft: z.array(z.union([z.literal(0), z.literal(1)])),
  values: z.array(z.number()),
  cover: z.array(z.number().min(0)),
  gain: z.array(z.number()),
  categories: z.array(z.array(z.number().int().min(0)).nullable()),
})

const payloadSchema = z.strictObject({
  version: z.number().int().min(1).max(FOREST_PAYLOAD_VERSION),
  params: z.unknown(),
  oob: z
    .strictObject({ scoring: z.string(), score: z.number(), rows: z.number().int().min(1) })
    .optional(),
  trees: z.array(treeSchema).min(1),
})

const documentSchema = modelHeaderSchema.extend({
  features: modelHeaderSchema.shape.features.min(1),
  forest: payloadSchema,
})

const num = (x: number): number | null => (x === Infinity ? null : x)

/** The model as versioned, human-readable JSON. */
export const forestToJSON = (s: ForestState): ModelJSON => ({
  format: 'keel-model',
  formatVersion: MODEL_FORMAT_VERSION,
  kind: s.kind,
  task: s.task,
  features: s.features,
  ...(s.classes ? { classes: s.classes } : {}),
  forest: {
    version: FOREST_PAYLOAD_VERSION,
    params: s.params,
    ...(s.oob ? { oob: s.oob } : {}),
    trees: s.trees.map((t) => ({
      feature: Array.from(t.feature),
      threshold: Array.from(t.threshold, num),
      left: Array.from(t.left),
      right: Array.from(t.right),
      defaultLeft: Array.from(t.defaultLeft),
      values: Array.from(t.values),
      cover: Array.from(t.cover),
      gain: Array.from(t.gain),
      categories: t.categories.map((c) => (c ? Array.from(c) : null)),
    })),
  },
})

const corrupt = (kind: string, message: string, path: (string | number)[]): KeelError =>
  new KeelError('UNSUPPORTED_FORMAT', `${kind} model is malformed: ${message}`, { path })

/**
 * Parse and check a forest model document of `kind`. The tree structure is checked by the GBDT's
 * tree validator (children after parents and referenced once, features and category sets in
 * range); values must be `outputs` per node. Anything malformed or newer than this build reads is
 * `UNSUPPORTED_FORMAT`; nothing is half-loaded.
 */
export const stateFromJSON = (kind: string, json: unknown): ForestState => {
  const v = (json as { forest?: { version?: unknown } } | null)?.forest?.version
  if (typeof v === 'number' && v > FOREST_PAYLOAD_VERSION) {
    throw new KeelError(
      'UNSUPPORTED_FORMAT',
      `this ${kind} model was written by a newer Keel; upgrade Keel`,
      { path: ['forest', 'version'] },
    )
  }
  const doc = parseModelDocument(kind, documentSchema, json)
  const params = paramsSchemaOf(kind).safeParse(doc.forest.params)
  if (!params.success) throw corrupt(kind, 'hyperparameters do not validate', ['forest', 'params'])
  if (doc.task !== 'regression') {
    const k = doc.classes?.length ?? 0
    if (doc.task === 'binary' ? k !== 2 : k < 2) {
      throw corrupt(kind, `a ${doc.task} model needs its class names`, ['classes'])
    }
  }
  const features = doc.features as FeatureSpec[]
  const m = forestOutputs({ task: doc.task, classes: doc.classes })
  const trees: ForestTree[] = doc.forest.trees.map((raw, i) => {
    const at = ['forest', 'trees', i]
    const L = raw.feature.length
    if (raw.values.length !== L * m) {
      throw corrupt(kind, `"values" has ${raw.values.length} entries, expected ${L * m}`, [
        ...at,
        'values',
      ])
    }
    const { values, ...structure } = raw
    let t: ReturnType<typeof parseTree>
    try {
      t = parseTree({ ...structure, output: 0, value: values.slice(0, L) }, at, features, 1)
    } catch (e) {
      // The GBDT's validator words its messages for gbdt models; keep its path, name this kind.
      if (!(e instanceof KeelError)) throw e
      throw corrupt(kind, e.message.replace(/^gbdt model is malformed: /, ''), [...e.path])
    }
    return {
      feature: t.feature,
      threshold: t.threshold,
      left: t.left,
      right: t.right,
      defaultLeft: t.defaultLeft,
      values: Float64Array.from(values),
      cover: t.cover,
      gain: t.gain,
      categories: t.categories,
    }
  })
  return {
    kind,
    task: doc.task,
    features,
    classes: doc.classes,
    params: params.data,
    trees,
    ...(doc.forest.oob ? { oob: doc.forest.oob } : {}),
  }
}
