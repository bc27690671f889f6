import {
  createGbdt,
  createRng,
  Frame,
  loadGbdtModel,
  modelKinds,
  ModelBundle,
  pinInputFields,
  registerModelKind,
  type ModelJSON,
} from '@keel/core'

if (!modelKinds().includes('gbdt'))
  registerModelKind('gbdt', (json: ModelJSON) => loadGbdtModel(json))

const AIRPORTS = ['ATL', 'ORD', 'DFW', 'LAX', 'SFO', 'JFK', 'DEN', 'SEA']

/** Flights-like rows: hour, day of week, distance, origin, destination, with a late label. */
export const flightsLikeRows = (
  n: number,
  seed = 7,
): { rows: Record<string, unknown>[]; late: number[] } => {
  const rng = createRng(seed)
  const rows: Record<string, unknown>[] = []
  const late: number[] = []
  for (let i = 0; i < n; i++) {
    const hour = rng.int(24)
    const dow = rng.int(7)
    const distance = rng.float() < 0.05 ? null : Math.round(100 + rng.float() * 2500)
    const origin = AIRPORTS[rng.int(AIRPORTS.length)]!
    const destination = AIRPORTS[rng.int(AIRPORTS.length)]!
    const z =
      -2 +
      0.12 * Math.max(0, hour - 12) +
      (origin === 'ORD' ? 0.8 : 0) +
      (dow === 4 ? 0.4 : 0) +
      ((distance ?? 800) > 2000 ? -0.3 : 0)
    rows.push({ hour, dow, distance, origin, destination })
    late.push(rng.float() < 1 / (1 + Math.exp(-z)) ? 1 : 0)
  }
  return { rows, late }
}

/**
 * A real GBDT bundle on flights-like features, trained on `n` synthetic rows with `trees` trees,
 * then serialized and loaded back (so serving exercises the artifact path too).
 */
export const gbdtFlightsBundle = (
  options: { n?: number; trees?: number; maxDepth?: number; seed?: number } = {},
): ModelBundle => {
  const { rows, late } = flightsLikeRows(options.n ?? 3000, options.seed ?? 7)
  const kinds = {
    hour: 'numeric',
    dow: 'numeric',
    distance: 'numeric',
    origin: 'categorical',
    destination: 'categorical',
  } as const
  const X = Frame.fromRows(rows, kinds)
  const model = createGbdt({
    nEstimators: options.trees ?? 20,
    maxDepth: options.maxDepth ?? 4,
    learningRate: 0.1,
  }).fit(
    { X, y: Float64Array.from(late), task: 'binary', classes: ['on_time', 'late'] },
    { rng: createRng(options.seed ?? 7) },
  )
  const bundle = ModelBundle.create({
    name: 'flights',
    task: 'binary',
    label: { column: 'late', classes: ['on_time', 'late'] },
    inputs: pinInputFields(X, Object.keys(kinds)),
    model,
  })
  return ModelBundle.fromJSON(JSON.parse(JSON.stringify(bundle.toJSON())))
}
