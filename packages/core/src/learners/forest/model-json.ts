import { z } from 'zod'
import { KeelError } from '../../errors/index.js'
import { modelHeaderSchema, parseModelDocument } from '../shared/model-document.js'
import { parseTree } from '../gbdt/model-json.js'
import type { FeatureSpec, ModelJSON } from '../protocol.js'
import { MODEL_FORMAT_VERSION } from '../registry.js'
import type { ForestTree } from './forest-tree.js'
import { forestOutputs, type ForestState } from './model-state.js'
import { extraTreesParamsSchema, randomForestParamsSchema } from './params.js'
import { NODES_PER_YIELD, yieldEvery, type AsyncLoadOptions } from '../shared/load-yield.js'

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

const assertNotNewer = (kind: string, json: unknown): void => {
  const v = (json as { forest?: { version?: unknown } } | null)?.forest?.version
  if (typeof v === 'number' && v > FOREST_PAYLOAD_VERSION) {
    throw new KeelError(
      'UNSUPPORTED_FORMAT',
      `this ${kind} model was written by a newer Keel; upgrade Keel`,
      { path: ['forest', 'version'] },
    )
  }
}

type ForestDocument = z.infer<typeof documentSchema>

/** The document's cross-field checks; the validated hyperparameters. */
const checkDocument = (kind: string, doc: ForestDocument) => {
  const params = paramsSchemaOf(kind).safeParse(doc.forest.params)
  if (!params.success) throw corrupt(kind, 'hyperparameters do not validate', ['forest', 'params'])
  if (doc.task !== 'regression') {
    const k = doc.classes?.length ?? 0
    if (doc.task === 'binary' ? k !== 2 : k < 2) {
      throw corrupt(kind, `a ${doc.task} model needs its class names`, ['classes'])
    }
  }
  return {
    params: params.data,
    features: doc.features as FeatureSpec[],
    m: forestOutputs({ task: doc.task, classes: doc.classes }),
  }
}

/** Tree `i`, checked: its structure by the GBDT's validator, its values `m` per node. */
const parseForestTree = (
  kind: string,
  raw: z.infer<typeof treeSchema>,
  i: number,
  checked: ReturnType<typeof checkDocument>,
): ForestTree => {
  const at = ['forest', 'trees', i]
  const L = raw.feature.length
  const m = checked.m
  if (raw.values.length !== L * m) {
    throw corrupt(kind, `"values" has ${raw.values.length} entries, expected ${L * m}`, [
      ...at,
      'values',
    ])
  }
  const { values, ...structure } = raw
  let t: ReturnType<typeof parseTree>
  try {
    t = parseTree({ ...structure, output: 0, value: values.slice(0, L) }, at, checked.features, 1)
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
}

const stateOf = (
  kind: string,
  doc: ForestDocument,
  checked: ReturnType<typeof checkDocument>,
  trees: ForestTree[],
): ForestState => ({
  kind,
  task: doc.task,
  features: checked.features,
  classes: doc.classes,
  params: checked.params,
  trees,
  ...(doc.forest.oob ? { oob: doc.forest.oob } : {}),
})

/**
 * Parse and check a forest model document of `kind`. The tree structure is checked by the GBDT's
 * tree validator (children after parents and referenced once, features and category sets in
 * range); values must be `outputs` per node. Anything malformed or newer than this build reads is
 * `UNSUPPORTED_FORMAT`; nothing is half-loaded.
 */
export const stateFromJSON = (kind: string, json: unknown): ForestState => {
  assertNotNewer(kind, json)
  const doc = parseModelDocument(kind, documentSchema, json)
  const checked = checkDocument(kind, doc)
  const trees = doc.forest.trees.map((raw, i) => parseForestTree(kind, raw, i, checked))
  return stateOf(kind, doc, checked, trees)
}

/** The document with its trees left unchecked, so they can be checked a few at a time. */
const shellSchema = documentSchema.extend({
  forest: payloadSchema.extend({ trees: z.array(z.unknown()).min(1) }),
})

/**
 * {@link stateFromJSON} giving the thread back to the event loop every {@link NODES_PER_YIELD}
 * tree nodes. The state is the same, value for value; a document it refuses is refused by
 * {@link stateFromJSON} itself, so the error is the same too.
 */
export const stateFromJSONAsync = async (
  kind: string,
  json: unknown,
  options: AsyncLoadOptions = {},
): Promise<ForestState> => {
  assertNotNewer(kind, json)
  const doc0 = json as { formatVersion?: unknown; kind?: unknown } | null
  if (
    typeof doc0 !== 'object' ||
    doc0 === null ||
    doc0.kind !== kind ||
    (typeof doc0.formatVersion === 'number' && doc0.formatVersion > MODEL_FORMAT_VERSION)
  ) {
    return stateFromJSON(kind, json)
  }
  const shell = shellSchema.safeParse(json)
  if (!shell.success) return stateFromJSON(kind, json)
  const pace = yieldEvery(NODES_PER_YIELD, options.signal)
  const raws: z.infer<typeof treeSchema>[] = []
  for (const t of shell.data.forest.trees) {
    const r = treeSchema.safeParse(t)
    if (!r.success) return stateFromJSON(kind, json)
    raws.push(r.data)
    await pace.tick(r.data.feature.length)
  }
  const doc: ForestDocument = { ...shell.data, forest: { ...shell.data.forest, trees: raws } }
  const checked = checkDocument(kind, doc)
  const trees: ForestTree[] = []
  for (let i = 0; i < raws.length; i++) {
    trees.push(parseForestTree(kind, raws[i]!, i, checked))
    await pace.tick(raws[i]!.feature.length)
  }
  return stateOf(kind, doc, checked, trees)
}
