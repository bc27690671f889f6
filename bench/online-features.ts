/**
 * Online-features benchmark: `npm run bench -- online-features [--seconds 30] [--concurrency 32]
 * [--keys 10000] [--redis redis://127.0.0.1:6379]`.
 *
 * 1. Reads: `createOnlineFeatureReader` (library calls, no HTTP) of one feature service with one
 *    view of three features, 1 and 100 keys per read, `--concurrency` reads in flight for
 *    `--seconds` each, against the embedded SQLite store (a file in a temporary directory) and
 *    Redis on loopback (skipped, and said so, when it does not answer). `--keys` entity keys are
 *    materialized first with monotone writes; each read asks for random ones. Latency is per read,
 *    from the call to its lookups (store round trip, decoding, the point-in-time rule). Redis is
 *    also read one read at a time (`redis_serial_*`): the round trip without queueing.
 * 2. The predict path, over HTTP (autocannon on keep-alive connections, `--concurrency` of them),
 *    in the same run: a small GBDT over flights (hour, day of week, distance, origin, destination)
 *    as plain predict with every input in the row, against the same model trained on a feature
 *    service, whose request carries `route`, `origin` and `destination` keys instead: `distance`
 *    from a `routes` view and the traffic of both airports from an `airports` view (three online
 *    reads per row, in one round trip to Redis, or SQLite without Redis). The two alternate in
 *    slices so both see the same background load; each reports its worst slice's p99.
 *
 * Everything runs in this process (the server from the TypeScript sources, the load generator
 * beside it) on a shared 2-core machine: absolute numbers are noisy; the difference between the
 * two predict paths is the figure to read. The last line is one JSON object.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { ModelBundle } from '@keel/core'
import {
  createOnlineFeatureReader,
  encodeFeatureRow,
  resolveFeatureStore,
  viewNamespace,
  type FeatureStoreInput,
} from 'keel'
import { createMemoryBundleSource, createServer } from 'keel/serving'
import {
  openRedisOnlineStore,
  openSqliteOnlineStore,
  type OnlineStore,
  type OrderedEntry,
} from 'keel/stores'
import { flightRows, flightsBundle } from './lib/serving-flights.js'
import { report, round } from './util.js'

const { values: args } = parseArgs({
  args: process.argv.slice(3),
  options: {
    seconds: { type: 'string', default: '30' },
    concurrency: { type: 'string', default: '32' },
    keys: { type: 'string', default: '10000' },
    redis: { type: 'string', default: 'redis://127.0.0.1:6379' },
  },
})
const SECONDS = Number(args.seconds)
const CONCURRENCY = Number(args.concurrency)
const KEYS = Number(args.keys)

/** A seeded generator (mulberry32), so every run asks for the same keys. */
const rng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

const quantile = (sorted: Float64Array, q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!

// --- 1. reads -----------------------------------------------------------------------------------

const readStore = resolveFeatureStore({
  entities: [{ name: 'user' }],
  featureViews: [
    {
      name: 'user_stats',
      source: { push: true },
      entity: 'user',
      eventTime: 'at',
      knownTime: 'known_at',
      ttl: '7d',
      features: [
        { name: 'spend_7d', kind: 'numeric' },
        { name: 'orders_7d', kind: 'numeric' },
        { name: 'segment', kind: 'categorical' },
      ],
    },
  ],
  featureServices: [{ name: 'users', views: [{ view: 'user_stats' }] }],
} as unknown as FeatureStoreInput)
const readService = readStore.services.get('users')!

const userKey = (i: number): string => `u${String(i).padStart(7, '0')}`

/** Materialize `KEYS` users (monotone writes in batches of 1000). */
const fillUsers = async (store: OnlineStore, now: number): Promise<void> => {
  const ns = viewNamespace(readStore.views.get('user_stats')!)
  for (let start = 0; start < KEYS; start += 1000) {
    const batch: OrderedEntry[] = []
    for (let i = start; i < Math.min(KEYS, start + 1000); i++) {
      batch.push(
        encodeFeatureRow(userKey(i), {
          eventTime: now - 3_600_000,
          knownTime: now - 3_500_000,
          values: { spend_7d: (i * 37) % 500, orders_7d: i % 11, segment: `s${i % 7}` },
        }),
      )
    }
    await store.setNewer(ns, batch)
  }
}

/** `concurrency` readers of `batch` random keys each for `seconds`: reads/s, p50, p99 (ms). */
const readLoad = async (
  store: OnlineStore,
  batch: number,
  concurrency = CONCURRENCY,
  seconds = SECONDS,
) => {
  const read = createOnlineFeatureReader(store)
  const next = rng(batch)
  const latencies: number[] = []
  let present = 0
  const deadline = performance.now() + seconds * 1000
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const rows = Array.from({ length: batch }, () => ({
        user: userKey(Math.floor(next() * KEYS)),
      }))
      const t0 = performance.now()
      const [found] = await read(readService, rows, Date.now())
      latencies.push(performance.now() - t0)
      if (found![0]!.status === 'present') present++
    }
  }
  const t0 = performance.now()
  await Promise.all(Array.from({ length: concurrency }, worker))
  const wall = (performance.now() - t0) / 1000
  const sorted = Float64Array.from(latencies).sort()
  if (present !== latencies.length)
    throw new Error(`only ${present}/${latencies.length} reads found their first key`)
  return {
    rps: round(latencies.length / wall, 0),
    p50: round(quantile(sorted, 0.5), 3),
    p99: round(quantile(sorted, 0.99), 3),
  }
}

// --- 2. the predict path ------------------------------------------------------------------------

const predictStore = resolveFeatureStore({
  entities: [{ name: 'route' }, { name: 'airport' }],
  featureViews: [
    {
      name: 'routes',
      source: { push: true },
      entity: 'route',
      eventTime: 'at',
      noLateness: true,
      features: [{ name: 'distance', kind: 'numeric' }],
    },
    {
      name: 'airports',
      source: { push: true },
      entity: 'airport',
      eventTime: 'at',
      knownTime: 'known_at',
      ttl: '1d',
      features: [{ name: 'flights_1h', kind: 'numeric' }],
    },
  ],
  featureServices: [
    {
      name: 'flights',
      views: [
        { view: 'routes' },
        { view: 'airports', key: 'origin', prefix: 'origin_' },
        { view: 'airports', key: 'destination', prefix: 'dest_' },
      ],
    },
  ],
} as unknown as FeatureStoreInput)

interface LoadResult {
  readonly p50: number
  readonly p99: number
  readonly rps: number
  readonly non2xx: number
}

const load = async (port: number, path: string, bodies: string[], seconds: number) => {
  const { default: autocannon } = await import('autocannon')
  const r = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONCURRENCY,
    duration: seconds,
    requests: bodies.map((body) => ({
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json' },
      body,
    })),
  })
  return {
    p50: r.latency.p50,
    p99: r.latency.p99,
    rps: r.requests.average,
    non2xx: r.non2xx + r.errors + r.timeouts,
  }
}

/** Slices of one target as one run: the median p50, the worst p99, the mean throughput. */
const combine = (slices: readonly LoadResult[]): LoadResult => ({
  p50: slices.map((s) => s.p50).sort((a, b) => a - b)[Math.floor(slices.length / 2)]!,
  p99: Math.max(...slices.map((s) => s.p99)),
  rps: round(slices.reduce((a, s) => a + s.rps, 0) / slices.length, 0),
  non2xx: slices.reduce((a, s) => a + s.non2xx, 0),
})

const predictPaths = async (store: OnlineStore, writer: OnlineStore) => {
  const { rows, late } = await flightRows(0, 20_000)
  const bundle = flightsBundle(rows, late, { nEstimators: 50, maxDepth: 6 }, 7)
  const service = predictStore.services.get('flights')!
  const featured = ModelBundle.fromJSON(
    JSON.parse(
      JSON.stringify({
        ...bundle.toJSON(),
        lineage: {
          featureService: {
            name: 'flights',
            version: service.version,
            views: service.views.map((v) => ({ name: v.view.name, version: v.view.version })),
          },
        },
      }),
    ),
  )
  // Materialize what the requests will ask for: each route's distance, each airport's traffic.
  const now = Date.now()
  const routes = new Map<string, number>()
  const airports = new Set<string>()
  for (const r of rows) {
    routes.set(`${r['origin']}-${r['destination']}`, r['distance'] as number)
    airports.add(r['origin'] as string).add(r['destination'] as string)
  }
  await writer.setNewer(
    viewNamespace(predictStore.views.get('routes')!),
    [...routes].map(([k, d]) =>
      encodeFeatureRow(k, {
        eventTime: now - 1000,
        knownTime: now - 1000,
        values: { distance: d },
      }),
    ),
  )
  await writer.setNewer(
    viewNamespace(predictStore.views.get('airports')!),
    [...airports].map((a, i) =>
      encodeFeatureRow(a, {
        eventTime: now - 1000,
        knownTime: now - 900,
        values: { flights_1h: i % 40 },
      }),
    ),
  )
  const source = createMemoryBundleSource()
  source.put('plain', '1', bundle)
  source.setAlias('plain', 'production', '1')
  source.put('featured', '1', featured)
  source.setAlias('featured', 'production', '1')
  const server = createServer({
    source,
    models: ['plain', 'featured'],
    eventLog: null,
    reloadIntervalMs: 0,
    defaultMetrics: false,
    features: { featureStore: predictStore, onlineStore: store },
  })
  await server.ready()
  const { port } = await server.listen({ port: 0 })
  const sample = rows.slice(0, 64)
  const plainBodies = sample.map((r) => JSON.stringify({ row: r }))
  const featuredBodies = sample.map(({ distance: _d, ...r }) =>
    JSON.stringify({ row: { ...r, route: `${r['origin']}-${r['destination']}` } }),
  )
  // Warm up both, then alternate slices.
  await load(port, '/v1/models/plain/predict', plainBodies, 1)
  await load(port, '/v1/models/featured/predict', featuredBodies, 1)
  const rounds = Math.max(1, Math.min(4, Math.floor(SECONDS / 5)))
  const plain: LoadResult[] = []
  const withFeatures: LoadResult[] = []
  for (let i = 0; i < rounds; i++) {
    plain.push(await load(port, '/v1/models/plain/predict', plainBodies, SECONDS / rounds))
    withFeatures.push(
      await load(port, '/v1/models/featured/predict', featuredBodies, SECONDS / rounds),
    )
  }
  // The server owns the online store and closes it.
  await server.close()
  return { plain: combine(plain), features: combine(withFeatures) }
}

// --- main ---------------------------------------------------------------------------------------

const figures: Record<string, unknown> = {
  bench: 'online-features',
  mode: 'reads: library calls (createOnlineFeatureReader); predict: HTTP',
  seconds: SECONDS,
  concurrency: CONCURRENCY,
  keys: KEYS,
}
const dir = mkdtempSync(join(tmpdir(), 'keel-bench-online-'))
const prefix = `keel-bench-${process.pid}:`
let redisUp = true
try {
  const now = Date.now()
  const sqlite = openSqliteOnlineStore(join(dir, 'online.db'))
  await fillUsers(sqlite, now)
  for (const batch of [1, 100]) {
    const r = await readLoad(sqlite, batch)
    console.error(`sqlite ${batch} key(s)/read: ${r.rps} reads/s, p50 ${r.p50} ms, p99 ${r.p99} ms`)
    Object.assign(figures, {
      [`sqlite_rps_${batch}`]: r.rps,
      [`sqlite_p50_ms_${batch}`]: r.p50,
      [`sqlite_p99_ms_${batch}`]: r.p99,
    })
  }
  await sqlite.close()

  // Reads get a generous command timeout: what is measured is their latency, including the wait
  // for this process's own event loop, which 32 reads in flight keep busy (the server's default,
  // 50 ms, is what the predict path below runs with).
  const redis = await openRedisOnlineStore({
    url: args.redis,
    keyPrefix: prefix,
    commandTimeoutMs: 2000,
  }).catch((e: Error) => {
    console.error(`Redis at ${args.redis} is not reachable (${e.message}): skipping it`)
    redisUp = false
    return undefined
  })
  if (redis) {
    try {
      // Writes in batches of 1000 take longer than the serving command timeout: a writer of its own.
      const writer = await openRedisOnlineStore({
        url: args.redis,
        keyPrefix: prefix,
        commandTimeoutMs: 10_000,
      })
      await fillUsers(writer, now)
      await writer.close()
      for (const batch of [1, 100]) {
        const r = await readLoad(redis, batch)
        console.error(
          `redis ${batch} key(s)/read: ${r.rps} reads/s, p50 ${r.p50} ms, p99 ${r.p99} ms`,
        )
        Object.assign(figures, {
          [`redis_rps_${batch}`]: r.rps,
          [`redis_p50_ms_${batch}`]: r.p50,
          [`redis_p99_ms_${batch}`]: r.p99,
        })
        // One read at a time: the round trip itself, without the wait for this process's event
        // loop that the concurrent readers add (Little's law: latency = in flight / throughput).
        const one = await readLoad(redis, batch, 1, Math.min(SECONDS, 5))
        console.error(`  one at a time: p50 ${one.p50} ms, p99 ${one.p99} ms`)
        Object.assign(figures, {
          [`redis_serial_p50_ms_${batch}`]: one.p50,
          [`redis_serial_p99_ms_${batch}`]: one.p99,
        })
      }
    } finally {
      await redis.clear()
      await redis.close()
    }
  }

  const predictStoreBackend = redis
    ? await openRedisOnlineStore({ url: args.redis, keyPrefix: prefix })
    : openSqliteOnlineStore(join(dir, 'predict.db'))
  const writer = redis
    ? await openRedisOnlineStore({ url: args.redis, keyPrefix: prefix, commandTimeoutMs: 10_000 })
    : predictStoreBackend
  const p = await predictPaths(predictStoreBackend, writer)
  if (redis) {
    // The server closed its store; the writer clears what the run wrote.
    await (writer as Awaited<ReturnType<typeof openRedisOnlineStore>>).clear()
    await writer.close()
  }
  console.error(
    `predict (${redis ? 'Redis' : 'SQLite'}): plain p99 ${p.plain.p99} ms (${p.plain.rps} req/s), with online features p99 ${p.features.p99} ms (${p.features.rps} req/s)`,
  )
  Object.assign(figures, {
    predict_store: redis ? 'redis' : 'sqlite',
    predict_plain_p50_ms: p.plain.p50,
    predict_plain_p99_ms: p.plain.p99,
    predict_plain_rps: p.plain.rps,
    predict_features_p50_ms: p.features.p50,
    predict_features_p99_ms: p.features.p99,
    predict_features_rps: p.features.rps,
    predict_non2xx: p.plain.non2xx + p.features.non2xx,
  })
} finally {
  rmSync(dir, { recursive: true, force: true })
}
if (!redisUp) figures['note'] = 'Redis was not reachable: its figures are missing'
report(figures)
