import { z } from 'zod'
import { KeelError } from '../../errors/index.js'
import type { FeatureSpec, ModelJSON } from '../protocol.js'
import { MODEL_FORMAT_VERSION } from '../registry.js'
import { GBDT_OBJECTIVES, gbdtParamsSchema } from './params.js'
import type { GbdtState } from './state.js'
import type { Tree } from './tree.js'
import { NODES_PER_YIELD, yieldEvery, type AsyncLoadOptions } from '../shared/load-yield.js'

/** Version of the `gbdt` payload inside a Keel model document; readers accept ≤ this. */
export const GBDT_PAYLOAD_VERSION = 1

/** One tree in JSON: parallel arrays by node (creation order; children after parents). */
const treeSchema = z
  .object({
    output: z.number().int().min(0),
    feature: z.array(z.number().int().min(-1)),
    /** null stands for +Infinity (all non-missing values go left), which JSON cannot write. */
    threshold: z.array(z.number().nullable()),
    left: z.array(z.number().int()),
    right: z.array(z.number().int()),
    defaultLeft: z.array(z.union([z.literal(0), z.literal(1)])),
    value: z.array(z.number()),
    cover: z.array(z.number()),
    gain: z.array(z.number()),
    categories: z.array(z.array(z.number().int().min(0)).nullable()),
  })
  .strict()

/** One tree as it appears in a gbdt model document (also the structure forests validate with). */
export type TreeJSON = z.infer<typeof treeSchema>

const featureSchema = z.union([
  z.object({ name: z.string(), kind: z.literal('numeric') }).strict(),
  z
    .object({ name: z.string(), kind: z.literal('categorical'), categories: z.array(z.string()) })
    .strict(),
])

const documentSchema = z.object({
  format: z.literal('keel-model'),
  formatVersion: z.number().int().min(1).max(MODEL_FORMAT_VERSION),
  kind: z.literal('gbdt'),
  task: z.enum(['binary', 'multiclass', 'regression']),
  features: z.array(featureSchema).min(1),
  classes: z.array(z.string()).optional(),
  gbdt: z
    .object({
      version: z.number().int().min(1).max(GBDT_PAYLOAD_VERSION),
      objective: z.enum(GBDT_OBJECTIVES).exclude(['auto']),
      params: z.unknown(),
      baseScore: z.array(z.number()).min(1),
      rounds: z.number().int().min(0),
      history: z.array(z.number()),
      trees: z.array(treeSchema),
    })
    .strict(),
})

const num = (x: number): number | null => (x === Infinity ? null : x)

/** The model as versioned, human-readable JSON. */
export const modelToJSON = (s: GbdtState): ModelJSON => ({
  format: 'keel-model',
  formatVersion: MODEL_FORMAT_VERSION,
  kind: 'gbdt',
  task: s.task,
  features: s.features,
  ...(s.classes ? { classes: s.classes } : {}),
  gbdt: {
    version: GBDT_PAYLOAD_VERSION,
    objective: s.objective,
    params: s.params,
    baseScore: Array.from(s.base),
    rounds: s.rounds,
    history: [...s.history],
    trees: s.trees.map((t, i) => ({
      output: s.outputs[i]!,
      feature: Array.from(t.feature),
      threshold: Array.from(t.threshold, num),
      left: Array.from(t.left),
      right: Array.from(t.right),
      defaultLeft: Array.from(t.defaultLeft),
      value: Array.from(t.value),
      cover: Array.from(t.cover),
      gain: Array.from(t.gain),
      categories: t.categories.map((c) => (c ? Array.from(c) : null)),
    })),
  },
})

const corrupt = (message: string, path: (string | number)[]): KeelError =>
  new KeelError('UNSUPPORTED_FORMAT', `gbdt model is malformed: ${message}`, { path })

/**
 * Check one tree's structure: equal array lengths, children strictly after their parent and
 * referenced once (so it is a tree, with no cycle or shared subtree), features in range, category
 * sets only on categorical features and strictly increasing within the dictionary.
 */
export const parseTree = (
  raw: z.infer<typeof treeSchema>,
  at: (string | number)[],
  features: readonly FeatureSpec[],
  numOutputs: number,
): Tree => {
  const L = raw.feature.length
  if (L === 0) throw corrupt('a tree has no nodes', at)
  for (const key of [
    'threshold',
    'left',
    'right',
    'defaultLeft',
    'value',
    'cover',
    'gain',
    'categories',
  ] as const) {
    if (raw[key].length !== L)
      throw corrupt(`"${key}" has ${raw[key].length} entries, expected ${L}`, [...at, key])
  }
  if (raw.output >= numOutputs)
    throw corrupt(`output ${raw.output} ≥ ${numOutputs}`, [...at, 'output'])
  const parents = new Int32Array(L).fill(-1)
  const categories: (Int32Array | null)[] = []
  for (let i = 0; i < L; i++) {
    const f = raw.feature[i]!
    const cats = raw.categories[i]!
    if (f >= features.length) throw corrupt(`feature ${f} out of range`, [...at, 'feature', i])
    if (f < 0) {
      if (cats !== null) throw corrupt('a leaf has a category set', [...at, 'categories', i])
      categories.push(null)
      continue
    }
    for (const side of ['left', 'right'] as const) {
      const c = raw[side][i]!
      if (!(c > i && c < L) || parents[c] !== -1) {
        throw corrupt(`node ${i} has an invalid ${side} child ${c}`, [...at, side, i])
      }
      parents[c] = i
    }
    const spec = features[f]!
    if (spec.kind === 'categorical') {
      if (cats === null)
        throw corrupt('a categorical split has no category set', [...at, 'categories', i])
      for (let k = 0; k < cats.length; k++) {
        if (cats[k]! >= spec.categories.length || (k > 0 && cats[k]! <= cats[k - 1]!)) {
          throw corrupt('category codes must increase within the dictionary', [
            ...at,
            'categories',
            i,
          ])
        }
      }
      categories.push(Int32Array.from(cats))
    } else {
      if (cats !== null)
        throw corrupt('a numeric split has a category set', [...at, 'categories', i])
      categories.push(null)
    }
  }
  for (let i = 1; i < L; i++)
    if (parents[i] === -1) throw corrupt(`node ${i} is unreachable`, [...at, 'left'])
  return {
    feature: Int32Array.from(raw.feature),
    threshold: Float64Array.from(raw.threshold, (x) => (x === null ? Infinity : x)),
    left: Int32Array.from(raw.left),
    right: Int32Array.from(raw.right),
    defaultLeft: Uint8Array.from(raw.defaultLeft),
    value: Float64Array.from(raw.value),
    cover: Float64Array.from(raw.cover),
    gain: Float64Array.from(raw.gain),
    categories,
  }
}

/** The first-checked part of a document: format and payload versions this build reads. */
const assertNotNewer = (json: unknown): void => {
  const doc0 = json as { formatVersion?: unknown; gbdt?: { version?: unknown } } | null
  const newer = (v: unknown, max: number): boolean => typeof v === 'number' && v > max
  if (
    newer(doc0?.formatVersion, MODEL_FORMAT_VERSION) ||
    newer(doc0?.gbdt?.version, GBDT_PAYLOAD_VERSION)
  ) {
    throw new KeelError(
      'UNSUPPORTED_FORMAT',
      'this gbdt model was written by a newer Keel; upgrade Keel',
      {
        path: newer(doc0?.formatVersion, MODEL_FORMAT_VERSION)
          ? ['formatVersion']
          : ['gbdt', 'version'],
      },
    )
  }
}

const parseDocument = (json: unknown): z.infer<typeof documentSchema> => {
  const r = documentSchema.safeParse(json)
  if (!r.success) {
    const first = r.error.issues[0]!
    const path = first.path.map((p) => (typeof p === 'symbol' ? String(p) : p))
    throw new KeelError(
      'UNSUPPORTED_FORMAT',
      `not a readable gbdt model: ${path.join('.')}: ${first.message}`,
      {
        path,
        issues: r.error.issues.map((i) => ({
          code: i.code,
          path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
          message: i.message,
        })),
      },
    )
  }
  return r.data
}

/** The document's cross-field checks; the number of outputs and the validated hyperparameters. */
const checkDocument = (doc: z.infer<typeof documentSchema>) => {
  const g = doc.gbdt
  const params = gbdtParamsSchema.safeParse(g.params)
  if (!params.success) throw corrupt('hyperparameters do not validate', ['gbdt', 'params'])
  const K = doc.task === 'multiclass' ? (doc.classes?.length ?? g.baseScore.length) : 1
  if (g.baseScore.length !== K) throw corrupt(`baseScore needs ${K} values`, ['gbdt', 'baseScore'])
  if (doc.task === 'binary' && doc.classes && doc.classes.length !== 2) {
    throw corrupt('a binary model needs 2 classes', ['classes'])
  }
  return { K, params: params.data, features: doc.features as FeatureSpec[] }
}

const stateOf = (
  doc: z.infer<typeof documentSchema>,
  checked: ReturnType<typeof checkDocument>,
  trees: Tree[],
): GbdtState => ({
  task: doc.task,
  features: checked.features,
  classes: doc.classes,
  objective: doc.gbdt.objective,
  params: checked.params,
  base: Float64Array.from(doc.gbdt.baseScore),
  trees,
  outputs: Int32Array.from(doc.gbdt.trees, (t) => t.output),
  rounds: doc.gbdt.rounds,
  history: doc.gbdt.history,
})

/**
 * Parse and check a gbdt model document. Anything malformed, or newer than this build reads, is an
 * `UNSUPPORTED_FORMAT` error with the path of the first problem; nothing is half-loaded.
 */
export const stateFromJSON = (json: unknown): GbdtState => {
  assertNotNewer(json)
  const doc = parseDocument(json)
  const checked = checkDocument(doc)
  const trees = doc.gbdt.trees.map((t, i) =>
    parseTree(t, ['gbdt', 'trees', i], checked.features, checked.K),
  )
  return stateOf(doc, checked, trees)
}

/** The document with its trees left unchecked, so they can be checked a few at a time. */
const shellSchema = documentSchema.extend({
  gbdt: documentSchema.shape.gbdt.extend({ trees: z.array(z.unknown()) }),
})

/**
 * {@link stateFromJSON} giving the thread back to the event loop every {@link NODES_PER_YIELD}
 * tree nodes, for a server that must keep answering while it loads a large model. The state is the
 * same, value for value; a document it refuses is refused by {@link stateFromJSON} itself, so the
 * error is the same too (a malformed model costs one blocking check, a valid one never does).
 */
export const stateFromJSONAsync = async (
  json: unknown,
  options: AsyncLoadOptions = {},
): Promise<GbdtState> => {
  assertNotNewer(json)
  const shell = shellSchema.safeParse(json)
  if (!shell.success) return stateFromJSON(json)
  const pace = yieldEvery(NODES_PER_YIELD, options.signal)
  const raws: TreeJSON[] = []
  for (const t of shell.data.gbdt.trees) {
    const r = treeSchema.safeParse(t)
    if (!r.success) return stateFromJSON(json)
    raws.push(r.data)
    await pace.tick(r.data.feature.length)
  }
  const doc = { ...shell.data, gbdt: { ...shell.data.gbdt, trees: raws } }
  const checked = checkDocument(doc)
  const trees: Tree[] = []
  for (let i = 0; i < raws.length; i++) {
    trees.push(parseTree(raws[i]!, ['gbdt', 'trees', i], checked.features, checked.K))
    await pace.tick(raws[i]!.feature.length)
  }
  return stateOf(doc, checked, trees)
}
