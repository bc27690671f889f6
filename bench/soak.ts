/**
 * Soak benchmark: `npm run bench -- soak [--minutes 30] [--connections 32] [--trees 100]`.
 *
 * The serving benchmark's setup held for a long time: a GBDT bundle (depth 6) trained on 100 000
 * flights is served by `createServer` in a child process, with prediction logging on (the embedded
 * SQLite event log, in a temporary workspace), and autocannon in this process sends single-row
 * predicts (64 distinct rows, cycled) at `--connections` keep-alive connections for `--minutes`.
 * The child's resident set size is sampled every 10 s. `rss_start_mb` is the sample at the end of
 * the first loaded minute (after warm-up, JIT and the event log's first growth) — or the first
 * sample when the run is shorter — and `rss_growth` is `(rss_end - rss_start) / rss_start`: the
 * target is 0 errors and a growth below 10 %. The server child runs the built packages (`npm run
 * bench` builds first). The last line is one JSON object.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { loadGbdtModel, modelKinds, registerModelKind, type ModelJSON } from '@keel/core'
import type * as CoreModule from '@keel/core'
import type * as StoresModule from 'keel/stores'
import type * as ServeModule from 'keel/serving'
import { flightRows, flightsBundle } from './lib/serving-flights.js'
import { report, round } from './util.js'

const SAMPLE_MS = 10_000
const self = fileURLToPath(import.meta.url)

if (!modelKinds().includes('gbdt'))
  registerModelKind('gbdt', (json: ModelJSON) => loadGbdtModel(json))

/** Child: serve the bundle with SQLite prediction logging; answer RSS samples and stop on request. */
const runChild = async (bundleFile: string, workspace: string): Promise<void> => {
  const core = (await import('@keel/core')) as typeof CoreModule
  const serve = (await import('keel/serving')) as typeof ServeModule
  const stores = (await import('keel/stores')) as typeof StoresModule
  const source = serve.createMemoryBundleSource()
  source.put(
    'flights',
    '1',
    core.ModelBundle.fromJSON(JSON.parse(readFileSync(bundleFile, 'utf8'))),
  )
  source.setAlias('flights', 'production', '1')
  const server = serve.createServer({
    source,
    models: ['flights'],
    eventLog: stores.openSqliteEventLog(stores.sqliteEventLogPath(workspace)),
    reloadIntervalMs: 0,
  })
  await server.ready()
  const { port } = await server.listen({ port: 0 })
  process.send!({ port })
  process.on('message', (m: { rss?: boolean; stop?: boolean }) => {
    if (m.rss) process.send!({ rssMb: process.memoryUsage().rss / 1048576 })
    if (m.stop) {
      void server.close().then(() => {
        process.send!({ stats: server.events?.stats() ?? { written: 0, dropped: 0 } })
        process.disconnect()
      })
    }
  })
}

/** Start the server child and wait for its port. */
const startChild = (args: string[]): Promise<{ child: ChildProcess; port: number }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', self, ...args], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`the server child exited with ${code}`)))
    const onPort = (m: { port?: number }): void => {
      if (m.port === undefined) return
      child.off('message', onPort)
      resolve({ child, port: m.port })
    }
    child.on('message', onPort)
  })

/** Ask the child one question and wait for the message that answers it. */
const ask = <M, T>(
  child: ChildProcess,
  question: object,
  pick: (m: M) => T | undefined,
): Promise<T> =>
  new Promise<T>((resolve) => {
    const on = (m: M): void => {
      const v = pick(m)
      if (v === undefined) return
      child.off('message', on)
      resolve(v)
    }
    child.on('message', on)
    child.send(question)
  })

const main = async (): Promise<void> => {
  const { values } = parseArgs({
    args: process.argv.slice(3),
    options: {
      minutes: { type: 'string', default: '30' },
      connections: { type: 'string', default: '32' },
      trees: { type: 'string', default: '100' },
    },
  })
  const minutes = Number(values.minutes)
  const connections = Number(values.connections)
  const trees = Number(values.trees)
  if (!(minutes > 0) || !(connections > 0) || !(trees > 0)) {
    console.error('--minutes, --connections and --trees must be positive numbers')
    process.exit(2)
  }
  const dir = mkdtempSync(join(tmpdir(), 'keel-bench-soak-'))
  try {
    const { rows, late } = await flightRows(0, 100_000)
    const bundle = flightsBundle(
      rows,
      late,
      { nEstimators: trees, maxDepth: 6, learningRate: 0.1 },
      1,
    )
    const bundleFile = join(dir, 'bundle.json')
    writeFileSync(bundleFile, JSON.stringify(bundle.toJSON()))
    const bodies = (await flightRows(100_000, 64)).rows.map((row) => JSON.stringify({ row }))

    const { child, port } = await startChild(['child', bundleFile, dir])
    const rss = (): Promise<number> => ask(child, { rss: true }, (m: { rssMb?: number }) => m.rssMb)
    const samples: { atS: number; mb: number }[] = []
    const started = Date.now()
    const sampler = setInterval(() => {
      void rss().then((mb) => {
        const atS = (Date.now() - started) / 1000
        samples.push({ atS, mb })
        console.error(`soak: ${round(atS, 0)} s, server RSS ${round(mb, 1)} MiB`)
      })
    }, SAMPLE_MS)
    const { default: autocannon } = await import('autocannon')
    const r = await autocannon({
      url: `http://127.0.0.1:${port}`,
      connections,
      duration: minutes * 60,
      requests: bodies.map((body) => ({
        method: 'POST',
        path: '/v1/models/flights/predict',
        headers: { 'content-type': 'application/json' },
        body,
      })),
    })
    clearInterval(sampler)
    samples.push({ atS: (Date.now() - started) / 1000, mb: await rss() })
    child.removeAllListeners('exit')
    const stats = await ask(
      child,
      { stop: true },
      (m: { stats?: { written: number; dropped: number } }) => m.stats,
    )
    // The first loaded minute: the first sample at or after 60 s (the first one on shorter runs).
    const start = samples.find((s) => s.atS >= 60) ?? samples[0]!
    const end = samples[samples.length - 1]!
    console.error(
      `soak: ${r.requests.total} requests, ${round(r.requests.average, 0)} req/s, p99 ${r.latency.p99} ms; events written ${stats.written}, dropped ${stats.dropped}`,
    )
    report({
      bench: 'soak',
      minutes,
      requests: r.requests.total,
      errors: r.errors + r.timeouts + r.non2xx,
      p99_ms: r.latency.p99,
      rss_start_mb: round(start.mb, 1),
      rss_end_mb: round(end.mb, 1),
      rss_growth: round((end.mb - start.mb) / start.mb, 4),
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[2] === 'child') await runChild(process.argv[3]!, process.argv[4]!)
else await main()
