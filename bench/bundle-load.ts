/**
 * Bundle loading benchmark: `npm run bench -- bundle-load [--trees 300] [--depth 8] [--rounds 3]`.
 *
 * A GBDT bundle on flights-like features (synthetic rows, `--trees` trees of depth `--depth`; 300
 * trees of depth 8 write about 4.6 MB of JSON) is loaded `--rounds` times each way while a probe
 * (`monitorEventLoopDelay`, 10 ms resolution) watches the event loop: the blocking load
 * (`JSON.parse` + `ModelBundle.fromJSON`) and the serving one (`JSON.parse` +
 * `ModelBundle.fromJSONAsync`, which yields to the event loop between parts and every few trees).
 * It reports, per way, the longest event-loop stall during a load and the total load time, and for
 * the blocking load where the time goes (`JSON.parse`, the model, the rest). Never run as a test: the
 * figures are wall-clock on a shared machine. The last line is one JSON object.
 */
import { parseArgs } from 'node:util'
import { createRng, loadModel, ModelBundle, type BundleJSON } from '@keel/core'
import { flightsBundle } from './lib/serving-flights.js'
import { report, round } from './util.js'

const { values } = parseArgs({
  // argv[2] is the benchmark's name when run through `npm run bench -- bundle-load …`.
  args: process.argv.slice(3),
  options: {
    trees: { type: 'string', default: '300' },
    depth: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
  },
})

const AIRPORTS = [
  'ATL',
  'ORD',
  'DFW',
  'LAX',
  'SFO',
  'JFK',
  'DEN',
  'SEA',
  'BOS',
  'PHX',
  'LAS',
  'MSP',
]
/** A trained GBDT bundle on 20 000 flights-like rows, as the JSON text the artifact store holds. */
const bundleText = (trees: number, depth: number): string => {
  const rng = createRng(11)
  const rows: Record<string, unknown>[] = []
  const late: number[] = []
  for (let i = 0; i < 20_000; i++) {
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
      ((distance ?? 800) > 2000 ? -0.3 : 0) +
      0.5 * Math.sin(((distance ?? 800) * hour) / 500)
    rows.push({ hour, dow, distance, origin, destination })
    late.push(rng.float() < 1 / (1 + Math.exp(-z)) ? 1 : 0)
  }
  const bundle = flightsBundle(
    rows,
    late,
    { nEstimators: trees, maxDepth: depth, learningRate: 0.05 },
    11,
  )
  return JSON.stringify(bundle.toJSON())
}

const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6

/**
 * Run one load under an event-loop probe (a 1 ms interval recording the longest gap between its
 * ticks): its longest stall and its wall time, in ms.
 */
const probed = async (load: () => Promise<unknown>): Promise<{ stall: number; total: number }> => {
  let last = process.hrtime.bigint()
  let stall = 0
  const probe = setInterval(() => {
    const now = process.hrtime.bigint()
    stall = Math.max(stall, Number(now - last) / 1e6)
    last = now
  }, 1)
  // Let the probe tick before the load takes the thread.
  await new Promise((resolve) => setTimeout(resolve, 20))
  stall = 0
  const t0 = process.hrtime.bigint()
  await load()
  const total = ms(t0)
  // One more tick so a stall at the very end is recorded.
  await new Promise((resolve) => setTimeout(resolve, 5))
  clearInterval(probe)
  return { stall, total }
}

const text = bundleText(Number(values.trees), Number(values.depth))
const nodes = (
  JSON.parse(text) as { model: { gbdt: { trees: { feature: unknown[] }[] } } }
).model.gbdt.trees.reduce((n, t) => n + t.feature.length, 0)
const rounds = Math.max(1, Number(values.rounds))
console.error(`bundle: ${round(text.length / 1e6, 2)} MB of JSON, ${values.trees} trees`)

// Where the blocking load's time goes.
const parts = { parse: [] as number[], model: [] as number[], fromJSON: [] as number[] }
for (let r = 0; r < rounds; r++) {
  let t0 = process.hrtime.bigint()
  const json = JSON.parse(text) as BundleJSON
  parts.parse.push(ms(t0))
  t0 = process.hrtime.bigint()
  loadModel(json.model)
  parts.model.push(ms(t0))
  t0 = process.hrtime.bigint()
  ModelBundle.fromJSON(JSON.parse(text))
  parts.fromJSON.push(ms(t0) - parts.parse[r]!)
}

const sync: { stall: number; total: number }[] = []
const async: { stall: number; total: number }[] = []
const asyncOnly: { stall: number; total: number }[] = []
const fromJSONAsync = (ModelBundle as { fromJSONAsync?: (json: unknown) => Promise<ModelBundle> })
  .fromJSONAsync
for (let r = 0; r < rounds; r++) {
  sync.push(await probed(async () => ModelBundle.fromJSON(JSON.parse(text))))
  if (fromJSONAsync) {
    async.push(await probed(() => fromJSONAsync(JSON.parse(text))))
    // The same without the parse: the stalls fromJSONAsync itself causes.
    const json = JSON.parse(text) as unknown
    asyncOnly.push(await probed(() => fromJSONAsync(json)))
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const max = (xs: number[]): number => Math.max(...xs)
report({
  bundle_mb: round(text.length / 1e6, 2),
  trees: Number(values.trees),
  nodes,
  parse_ms: round(median(parts.parse), 1),
  model_ms: round(median(parts.model), 1),
  fromjson_ms: round(median(parts.fromJSON), 1),
  sync_stall_ms_max: round(max(sync.map((s) => s.stall)), 1),
  sync_total_ms: round(median(sync.map((s) => s.total)), 1),
  ...(async.length > 0
    ? {
        async_stall_ms_max: round(max(async.map((s) => s.stall)), 1),
        async_total_ms: round(median(async.map((s) => s.total)), 1),
        async_without_parse_stall_ms_max: round(max(asyncOnly.map((s) => s.stall)), 1),
      }
    : {}),
})
