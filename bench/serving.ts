/**
 * Serving benchmark: `npm run bench -- serving [--duration 30] [--connections 32] [--trees 100]
 * [--durable]`. With `--durable`, a third target serves with the durable prediction log (each
 * answer waits for its event's commit) and the JSON adds its figures and `durable_to_default_rps`.
 *
 * A GBDT bundle (100 trees, depth 6) trained on 200 000 flights (hour, day of week, distance,
 * origin, destination → arrival delay > 15 min) is served by `createServer` with prediction logging
 * on (the embedded SQLite event log), in a child process so the load generator (autocannon, in this
 * process) does not share its event loop. In the same run a bare `node:http` handler that drains the
 * body and answers a constant gives the ceiling. Each target gets a warm-up, then `--duration`
 * seconds in `--rounds` slices that alternate between the two targets (so both see the same
 * background load), at `--connections` concurrent keep-alive connections, one single-row predict per request
 * (64 distinct rows, cycled). The server child runs the built packages: `npm run build` first.
 *
 * Loopback on a shared 2-core machine: the load generator, the server and other tenants compete
 * for the same cores, so absolute numbers are noisy; the ratio to the ceiling is the figure to read,
 * with each server's CPU time per request (user + kernel, all its threads, the event-log writer
 * thread included) beside it. `--cpu-prof DIR` writes a V8 profile of the Keel server.
 * The last line is one JSON object.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs'
import { createServer as createHttpServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { loadGbdtModel, modelKinds, registerModelKind, type ModelJSON } from '@keel/core'
import type * as CoreModule from '@keel/core'
import type * as EventsModule from 'keel/stores'
import type * as ServeModule from 'keel/serving'
import { flightRows, flightsBundle } from './lib/serving-flights.js'
import { report, round, timed } from './util.js'

const self = fileURLToPath(import.meta.url)

if (!modelKinds().includes('gbdt'))
  registerModelKind('gbdt', (json: ModelJSON) => loadGbdtModel(json))

/**
 * Child: serve the bundle with SQLite prediction logging; report stats when told to stop. The
 * server runs from the built packages (`npm run build`), as `keel serve` does: run from the
 * TypeScript sources, the loader's transform adds work to every closure the request path creates.
 */
const runKeelChild = async (
  bundleFile: string,
  workspace: string,
  logging: 'log' | 'no-log' | 'durable',
): Promise<void> => {
  // The published entries resolve to the built packages; the core registers its learners (GBDT
  // included) when imported.
  const core = (await import('@keel/core')) as typeof CoreModule
  const serve = (await import('keel/serving')) as typeof ServeModule
  const events = (await import('keel/stores')) as typeof EventsModule
  const bundle = core.ModelBundle.fromJSON(JSON.parse(readFileSync(bundleFile, 'utf8')))
  const source = serve.createMemoryBundleSource()
  source.put('flights', '1', bundle)
  source.setAlias('flights', 'production', '1')
  const server = serve.createServer({
    source,
    models: ['flights'],
    ...(logging === 'no-log'
      ? {}
      : { eventLog: events.openSqliteEventLog(events.sqliteEventLogPath(workspace)) }),
    ...(logging === 'durable' ? { log: { durable: true } } : {}),
    reloadIntervalMs: 0,
  })
  await server.ready()
  const { port } = await server.listen({ port: 0 })
  process.send!({ port })
  reportCpuOnRequest()
  process.on('message', (m: { stop?: boolean }) => {
    if (!m.stop) return
    void server.close().then(() => {
      process.send!({ stats: server.events?.stats() ?? { written: 0, dropped: 0 } })
      process.disconnect()
    })
  })
}

/**
 * In a child: `{ mark: true }` starts a CPU count; `{ cpu: true }` answers the CPU microseconds
 * (user + system) this process used since the mark, with `extra()` beside it.
 */
const reportCpuOnRequest = (extra: () => unknown = () => undefined): void => {
  let since = process.cpuUsage()
  process.on('message', (m: { mark?: boolean; cpu?: boolean }) => {
    if (m.mark) since = process.cpuUsage()
    if (m.cpu) {
      const d = process.cpuUsage(since)
      process.send!({ cpuMicros: d.user + d.system, systemMicros: d.system, extra: extra() })
    }
  })
}

/** Ask a child for its CPU use since the last mark. */
const childCpu = <T>(
  child: ChildProcess,
): Promise<{ cpuMicros: number; systemMicros: number; extra: T }> =>
  new Promise((resolve) => {
    const on = (m: { cpuMicros?: number; systemMicros: number; extra: T }): void => {
      if (m.cpuMicros === undefined) return
      child.off('message', on)
      resolve({ cpuMicros: m.cpuMicros, systemMicros: m.systemMicros, extra: m.extra })
    }
    child.on('message', on)
    child.send({ cpu: true })
  })

/** Child: the ceiling — a bare node:http handler that drains the body and answers a constant. */
const runCeilingChild = (): void => {
  const body = '{"ok":true}'
  const s = createHttpServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length })
      res.end(body)
    })
  })
  s.listen(0, '127.0.0.1', () => process.send!({ port: (s.address() as { port: number }).port }))
  reportCpuOnRequest()
  process.on('message', (m: { stop?: boolean }) => {
    if (m.stop) s.close(() => process.disconnect())
  })
}

const startChild = (
  args: string[],
  nodeFlags: string[] = [],
): Promise<{ child: ChildProcess; port: number }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', self, ...args], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`child ${args[0]} exited with ${code}`)))
    const onPort = (m: { port?: number }): void => {
      if (m.port === undefined) return
      child.off('message', onPort)
      resolve({ child, port: m.port })
    }
    child.on('message', onPort)
  })

interface LoadResult {
  rps: number
  p50: number
  p99: number
  errors: number
  non2xx: number
  total: number
}

const load = async (
  port: number,
  bodies: string[],
  seconds: number,
  connections: number,
): Promise<LoadResult> => {
  const { default: autocannon } = await import('autocannon')
  const r = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration: seconds,
    requests: bodies.map((body) => ({
      method: 'POST',
      path: '/v1/models/flights/predict',
      headers: { 'content-type': 'application/json' },
      body,
    })),
  })
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    total: r.requests.total,
  }
}

/** One timed slice of load on one target, with the CPU both sides used. */
interface Slice extends LoadResult {
  readonly cpuMicros: number
  readonly systemMicros: number
  readonly loadgenMicros: number
}

/**
 * Slices of one target as one run: throughput over the whole time, the median slice's p50, the
 * worst slice's p99 (autocannon reports percentiles, not histograms, so p99 is conservative).
 */
const combine = (slices: readonly Slice[], seconds: number) => {
  const total = slices.reduce((s, x) => s + x.total, 0)
  const sum = (k: 'cpuMicros' | 'systemMicros' | 'loadgenMicros' | 'errors' | 'non2xx'): number =>
    slices.reduce((s, x) => s + x[k], 0)
  const p50s = slices.map((x) => x.p50).sort((a, b) => a - b)
  return {
    rps: total / seconds,
    p50: p50s[Math.floor(p50s.length / 2)]!,
    p99: Math.max(...slices.map((x) => x.p99)),
    errors: sum('errors'),
    non2xx: sum('non2xx'),
    cpuUs: sum('cpuMicros') / Math.max(1, total),
    systemUs: sum('systemMicros') / Math.max(1, total),
    cpuShare: sum('cpuMicros') / 1e6 / seconds,
    loadgenShare: sum('loadgenMicros') / 1e6 / seconds,
  }
}

const main = async (): Promise<void> => {
  const { values } = parseArgs({
    args: process.argv.slice(3),
    options: {
      duration: { type: 'string', default: '30' },
      connections: { type: 'string', default: '32' },
      trees: { type: 'string', default: '100' },
      warmup: { type: 'string', default: '3' },
      // The duration is split into this many slices per target, alternating ceiling and Keel.
      rounds: { type: 'string', default: '5' },
      // Serve without prediction logging (to see what logging costs); the target needs it on.
      'no-log': { type: 'boolean', default: false },
      // Also serve with the durable prediction log (each answer waits for its event's commit),
      // alternated with the other targets, and report its cost against the default mode.
      durable: { type: 'boolean', default: false },
      // Write a V8 CPU profile of the Keel server child into this directory.
      'cpu-prof': { type: 'string' },
      // Skip the ceiling run (profiling iterations); the JSON then has no ratio.
      'no-ceiling': { type: 'boolean', default: false },
    },
  })
  const duration = Number(values.duration)
  const connections = Number(values.connections)
  const trees = Number(values.trees)
  const dir = mkdtempSync(join(tmpdir(), 'keel-bench-serving-'))
  try {
    const [{ rows, late }, trainRead] = await timed(() => flightRows(0, 200_000))
    // Timed with the frame's construction and the bundle's assembly, both small beside the fit.
    const [bundle, trainSeconds] = await timed(async () =>
      flightsBundle(rows, late, { nEstimators: trees, maxDepth: 6, learningRate: 0.1 }, 1),
    )
    const bundleFile = join(dir, 'bundle.json')
    writeFileSync(bundleFile, JSON.stringify(bundle.toJSON()))
    const probe = (await flightRows(200_000, 64)).rows
    const bodies = probe.map((row) => JSON.stringify({ row }))
    console.error(
      `read ${rows.length} rows in ${round(trainRead, 1)} s; trained ${trees} trees in ${round(trainSeconds, 1)} s`,
    )

    const rounds = Math.max(1, Number(values.rounds))
    const slice = duration / rounds

    /** Load one child for `slice` seconds, counting its CPU and this process's. */
    const measure = async (child: ChildProcess, port: number): Promise<Slice> => {
      child.send({ mark: true })
      const own = process.cpuUsage()
      const r = await load(port, bodies, slice, connections)
      const ownCpu = process.cpuUsage(own)
      const { cpuMicros, systemMicros } = await childCpu(child)
      return { ...r, cpuMicros, systemMicros, loadgenMicros: ownCpu.user + ownCpu.system }
    }

    const prof = values['cpu-prof']
    const ceiling = values['no-ceiling'] ? null : await startChild(['child-ceiling'])
    const keel = await startChild(
      ['child-keel', bundleFile, dir, values['no-log'] ? 'no-log' : 'log'],
      prof ? ['--cpu-prof', '--cpu-prof-dir', prof] : [],
    )
    const durableDir = join(dir, 'durable')
    const durable = values.durable
      ? await startChild(['child-keel', bundleFile, durableDir, 'durable'])
      : null
    if (ceiling) await load(ceiling.port, bodies, Number(values.warmup), connections)
    await load(keel.port, bodies, Number(values.warmup), connections)
    if (durable) await load(durable.port, bodies, Number(values.warmup), connections)
    // Rounds alternate the two targets so that both see the same background load on a shared host.
    const cSlices: Slice[] = []
    const kSlices: Slice[] = []
    const dSlices: Slice[] = []
    for (let r = 0; r < rounds; r++) {
      if (ceiling) cSlices.push(await measure(ceiling.child, ceiling.port))
      kSlices.push(await measure(keel.child, keel.port))
      if (durable) dSlices.push(await measure(durable.child, durable.port))
    }
    const c = ceiling ? combine(cSlices, duration) : null
    const k = combine(kSlices, duration)
    const d = durable ? combine(dSlices, duration) : null
    if (durable) {
      durable.child.removeAllListeners('exit')
      durable.child.send({ stop: true })
    }
    if (ceiling) {
      ceiling.child.removeAllListeners('exit')
      ceiling.child.send({ stop: true })
    }
    keel.child.removeAllListeners('exit')
    const stats = await new Promise<{ written: number; dropped: number }>((resolve) => {
      keel.child.on('message', (m: { stats?: { written: number; dropped: number } }) => {
        if (m.stats) resolve(m.stats)
      })
      keel.child.send({ stop: true })
    })
    if (c) {
      console.error(
        `ceiling: ${round(c.rps, 0)} req/s, p50 ${c.p50} ms, p99 ${c.p99} ms, server ${round(c.cpuUs, 1)} µs CPU/request (${round(c.systemUs, 1)} in the kernel)`,
      )
    }
    console.error(
      `keel: ${round(k.rps, 0)} req/s, p50 ${k.p50} ms, p99 ${k.p99} ms, server ${round(k.cpuUs, 1)} µs CPU/request (${round(k.systemUs, 1)} in the kernel; ${round(k.cpuShare * 100, 0)}% of a core; load generator ${round(k.loadgenShare * 100, 0)}%); events written ${stats.written}, dropped ${stats.dropped}`,
    )
    if (d) {
      console.error(
        `keel --durable-log: ${round(d.rps, 0)} req/s, p50 ${d.p50} ms, p99 ${d.p99} ms, server ${round(d.cpuUs, 1)} µs CPU/request; ${round(d.rps / k.rps, 3)} of the default mode's throughput`,
      )
    }
    report({
      bench: 'serving',
      rps: round(k.rps, 0),
      p50_ms: k.p50,
      p99_ms: k.p99,
      ceiling_rps: c ? round(c.rps, 0) : null,
      ratio: c ? round(k.rps / c.rps, 3) : null,
      errors: k.errors + k.non2xx,
      model: `gbdt ${trees} trees depth 6`,
      connections,
      duration_s: duration,
      rounds,
      server_cpu_us_per_request: round(k.cpuUs, 1),
      ceiling_p50_ms: c?.p50 ?? null,
      ceiling_p99_ms: c?.p99 ?? null,
      ceiling_cpu_us_per_request: c ? round(c.cpuUs, 1) : null,
      events_written: stats.written,
      events_dropped: stats.dropped,
      logging: !values['no-log'],
      ...(d
        ? {
            durable_rps: round(d.rps, 0),
            durable_p50_ms: d.p50,
            durable_p99_ms: d.p99,
            durable_errors: d.errors + d.non2xx,
            durable_cpu_us_per_request: round(d.cpuUs, 1),
            durable_to_default_rps: round(d.rps / k.rps, 3),
          }
        : {}),
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const mode = process.argv[2]
if (mode === 'child-keel')
  await runKeelChild(
    process.argv[3]!,
    process.argv[4]!,
    process.argv[5] as 'log' | 'no-log' | 'durable',
  )
else if (mode === 'child-ceiling') runCeilingChild()
else await main()
