import { describe, expect, it } from 'vitest'
import {
  createGbdt,
  createRng,
  extraTrees,
  fitIsotonicCalibrator,
  Frame,
  isKeelError,
  loadGbdtModel,
  loadGbdtModelAsync,
  loadModel,
  loadModelAsync,
  logisticRegression,
  ModelBundle,
  pinInputFields,
  pipeline,
  randomForest,
  loadRandomForestModel,
  loadRandomForestModelAsync,
  standardScaler,
  type BundleJSON,
  type Task,
} from '../index.js'
import { NODES_PER_YIELD } from '../learners/shared/load-yield.js'

const CITIES = ['ams', 'ber', 'cph', 'dub', 'edi', 'fra']

/** Rows with three numeric features (one with gaps), a categorical one and a 0/1 label. */
const data = (n: number, seed: number, withCity = true) => {
  const rng = createRng(seed)
  const rows: Record<string, unknown>[] = []
  const y: number[] = []
  for (let i = 0; i < n; i++) {
    const a = rng.float() * 10
    const b = rng.float() < 0.1 ? null : rng.float() * 4 - 2
    const c = rng.int(50)
    const city = CITIES[rng.int(CITIES.length)]!
    const z = 0.6 * a - 3 + (b ?? 0) + (withCity && city === 'cph' ? 1.5 : 0) + 0.02 * c
    rows.push(withCity ? { a, b, c, city } : { a, b, c })
    y.push(rng.float() < 1 / (1 + Math.exp(-z)) ? 1 : 0)
  }
  const kinds = withCity
    ? ({ a: 'numeric', b: 'numeric', c: 'numeric', city: 'categorical' } as const)
    : ({ a: 'numeric', b: 'numeric', c: 'numeric' } as const)
  return {
    X: Frame.fromRows(rows, kinds),
    rows,
    y: Float64Array.from(y),
    names: Object.keys(kinds),
  }
}

const binary = { task: 'binary' as Task, classes: ['no', 'yes'] }

/** A GBDT bundle with an isotonic calibrator, written to JSON text as the registry stores it. */
const gbdtBundle = (trees: number, maxDepth: number): BundleJSON => {
  const { X, y, names } = data(3000, 3)
  const model = createGbdt({ nEstimators: trees, maxDepth, learningRate: 0.1 }).fit(
    { X, y, ...binary },
    { rng: createRng(3) },
  )
  const p = model.predictProba(X)
  const pos = Float64Array.from({ length: X.numRows }, (_, i) => p[2 * i + 1]!)
  return ModelBundle.create({
    name: 'g',
    task: 'binary',
    label: { column: 'y', classes: ['no', 'yes'] },
    inputs: pinInputFields(X, names),
    model,
    calibrator: fitIsotonicCalibrator(pos, y),
    postprocess: { threshold: 0.4, deferBelow: 0.6 },
  }).toJSON()
}

const forestBundle = (kind: 'random-forest' | 'extra-trees'): BundleJSON => {
  const { X, y, names } = data(800, 5)
  const learner =
    kind === 'random-forest' ? randomForest({ nTrees: 12 }) : extraTrees({ nTrees: 12 })
  const regression = kind === 'extra-trees'
  const model = learner.fit(
    regression ? { X, y: X.numeric('a'), task: 'regression' } : { X, y, ...binary },
    { rng: createRng(5) },
  )
  return ModelBundle.create({
    name: 'f',
    task: regression ? 'regression' : 'binary',
    label: regression ? { column: 'a2' } : { column: 'y', classes: ['no', 'yes'] },
    inputs: pinInputFields(X, names),
    model,
  }).toJSON()
}

/** The numeric features with their gaps filled with 0 (the linear bundle takes complete rows). */
const filled = (X: Frame): Frame =>
  Frame.fromRows(
    Array.from({ length: X.numRows }, (_, i) => ({
      a: X.numeric('a')[i]!,
      b: Number.isNaN(X.numeric('b')[i]!) ? 0 : X.numeric('b')[i]!,
      c: X.numeric('c')[i]!,
    })),
    { a: 'numeric', b: 'numeric', c: 'numeric' },
  )

/** A logistic regression behind a fitted pipeline (a standard scaler). */
const linearBundle = (): BundleJSON => {
  const { X: raw, y, names } = data(600, 9, false)
  const X = filled(raw)
  const fitted = pipeline([standardScaler()]).fit(X, { rng: createRng(9) })
  const model = logisticRegression({}).fit(
    { X: fitted.transform(X), y, ...binary },
    { rng: createRng(9) },
  )
  return ModelBundle.create({
    name: 'l',
    task: 'binary',
    label: { column: 'y', classes: ['no', 'yes'] },
    inputs: pinInputFields(X, names),
    pipeline: fitted,
    model,
  }).toJSON()
}

/** The document as the artifact store gives it back: parsed from its text. */
const reread = (doc: unknown): unknown => JSON.parse(JSON.stringify(doc))

/** Sync and async loads agree to the bit: same document back, same predictions on a fixed frame. */
const expectSameBundle = async (doc: BundleJSON, probe: Frame): Promise<void> => {
  const sync = ModelBundle.fromJSON(reread(doc))
  const async = await ModelBundle.fromJSONAsync(reread(doc))
  expect(async.toJSON()).toEqual(sync.toJSON())
  const a = sync.predict(probe)
  const b = async.predict(probe)
  expect(Array.from(b.raw)).toEqual(Array.from(a.raw))
  expect(b.proba === null ? null : Array.from(b.proba)).toEqual(
    a.proba === null ? null : Array.from(a.proba),
  )
  expect(b.prediction).toEqual(a.prediction)
  expect(Array.from(b.confidence)).toEqual(Array.from(a.confidence))
  expect(Array.from(b.defer)).toEqual(Array.from(a.defer))
}

/** Whatever `fn` throws, as plain data (code, message, path, issues). */
const thrown = async (fn: () => unknown): Promise<unknown> => {
  try {
    await fn()
  } catch (e) {
    if (!isKeelError(e)) throw e
    return { code: e.code, message: e.message, path: e.path, details: e.details }
  }
  throw new Error('expected an error')
}

describe('ModelBundle.fromJSONAsync', () => {
  const probe = data(400, 77).X

  it('loads a gbdt bundle (with a calibrator) identical to fromJSON', async () => {
    await expectSameBundle(gbdtBundle(40, 5), probe)
  })

  it('loads random-forest and extra-trees bundles identical to fromJSON', async () => {
    await expectSameBundle(forestBundle('random-forest'), probe)
    await expectSameBundle(forestBundle('extra-trees'), probe)
  })

  it('loads a linear bundle with its pipeline identical to fromJSON', async () => {
    await expectSameBundle(linearBundle(), filled(data(400, 78, false).X))
  })

  it('gives the event loop turns while it loads, between parts and inside the trees', async () => {
    const doc = gbdtBundle(60, 6)
    const nodes = (doc.model as unknown as { gbdt: { trees: { feature: number[] }[] } }).gbdt.trees
      .map((t) => t.feature.length)
      .reduce((a, b) => a + b, 0)
    // Enough nodes that the node count alone forces yields inside the tree checks.
    expect(nodes).toBeGreaterThan(NODES_PER_YIELD)
    let turns = 0
    let loading = true
    const turn = (): void => {
      if (!loading) return
      turns++
      setImmediate(turn)
    }
    setImmediate(turn)
    const json = reread(doc)
    const loaded = ModelBundle.fromJSONAsync(json)
    await loaded
    loading = false
    // A synchronous load gives no turn at all (below); each yield of the async one gives one. Two
    // yields are between the parts, and the trees, counted twice (checked, then built), yield at
    // least every NODES_PER_YIELD nodes: more than the two turns the parts alone would give.
    expect(turns).toBeGreaterThanOrEqual(2 + Math.floor((2 * nodes) / NODES_PER_YIELD))

    let syncTurns = 0
    let syncLoading = true
    setImmediate(() => {
      if (syncLoading) syncTurns++
    })
    ModelBundle.fromJSON(reread(doc))
    syncLoading = false
    expect(syncTurns).toBe(0)
  })

  it('a cancelled load stops with CANCELLED', async () => {
    const controller = new AbortController()
    controller.abort()
    const e = await thrown(() =>
      ModelBundle.fromJSONAsync(reread(gbdtBundle(5, 3)), { signal: controller.signal }),
    )
    expect(e).toMatchObject({ code: 'CANCELLED' })
    const c2 = new AbortController()
    const pending = loadGbdtModelAsync(reread(gbdtBundle(60, 6).model), { signal: c2.signal })
    setImmediate(() => c2.abort())
    expect(await thrown(() => pending)).toMatchObject({ code: 'CANCELLED' })
  })
})

type Node = Record<string | number, unknown>

/** The document in `text` with the value at `path` changed by `change` (given the old value). */
const edited = (text: string, path: (string | number)[], change: (old: unknown) => unknown) => {
  const doc = JSON.parse(text) as Node
  let node = doc
  for (const key of path.slice(0, -1)) node = node[key] as Node
  const last = path[path.length - 1]!
  node[last] = change(node[last])
  return doc
}

describe('the async loaders refuse what the sync ones refuse, with the same error', () => {
  const gbdt = JSON.stringify(gbdtBundle(6, 3).model)
  const forest = JSON.stringify(forestBundle('random-forest').model)
  const tree = (i: number, ...rest: (string | number)[]) => ['gbdt', 'trees', i, ...rest]

  const cases: [string, () => unknown][] = [
    ['gbdt: an unknown key in the payload', () => edited(gbdt, ['gbdt', 'extra'], () => 1)],
    ['gbdt: a tree with a cycle', () => edited(gbdt, tree(3, 'left', 0), () => 0)],
    ['gbdt: a tree with a mistyped field', () => edited(gbdt, tree(4, 'value', 0), () => 'x')],
    ['gbdt: a tree with an unknown key', () => edited(gbdt, tree(2, 'weight'), () => [])],
    ['gbdt: a newer payload', () => edited(gbdt, ['gbdt', 'version'], () => 99)],
    ['gbdt: bad hyperparameters', () => edited(gbdt, ['gbdt', 'params'], () => 7)],
    [
      'random-forest: values of the wrong length',
      () => edited(forest, ['forest', 'trees', 1, 'values'], (v) => (v as number[]).slice(1)),
    ],
    ['random-forest: no trees', () => edited(forest, ['forest', 'trees'], () => [])],
    [
      'random-forest: an unknown key in the payload',
      () => edited(forest, ['forest', 'extra'], () => 1),
    ],
    [
      'random-forest: a negative cover',
      () => edited(forest, ['forest', 'trees', 0, 'cover', 0], () => -1),
    ],
  ]
  for (const [what, make] of cases) {
    it(what, async () => {
      const sync = await thrown(() => loadModel(make()))
      const async = await thrown(() => loadModelAsync(make()))
      expect(async).toEqual(sync)
      expect(sync).toMatchObject({ code: 'UNSUPPORTED_FORMAT' })
    })
  }

  it('a malformed bundle is refused the same way', async () => {
    const doc = edited(
      JSON.stringify(gbdtBundle(6, 3)),
      ['model', ...tree(1, 'right', 0)],
      () => 99,
    )
    const sync = await thrown(() => ModelBundle.fromJSON(doc))
    expect(await thrown(() => ModelBundle.fromJSONAsync(doc))).toEqual(sync)
    const newer = { ...doc, formatVersion: 2 }
    expect(await thrown(() => ModelBundle.fromJSONAsync(newer))).toEqual(
      await thrown(() => ModelBundle.fromJSON(newer)),
    )
  })

  it('loadGbdtModelAsync gives the model loadGbdtModel gives', async () => {
    expect((await loadGbdtModelAsync(JSON.parse(gbdt))).toJSON()).toEqual(
      loadGbdtModel(JSON.parse(gbdt)).toJSON(),
    )
  })

  it('a forest loader given another kind refuses it as the sync one does', async () => {
    const other = () => edited(forest, ['kind'], () => 'extra-trees')
    const sync = await thrown(() => loadRandomForestModel(other()))
    expect(sync).toMatchObject({ code: 'UNSUPPORTED_FORMAT', path: ['kind'] })
    expect(await thrown(() => loadRandomForestModelAsync(other()))).toEqual(sync)
  })
})
