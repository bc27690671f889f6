/**
 * What a hard crash of `keel serve` loses. The real CLI is started as a child process over a
 * trained project, driven by concurrent clients, and killed with SIGKILL when a seeded number of
 * answers has arrived, again and again over the same workspace. Afterwards the event log is read:
 *
 * - with `--durable-log`, every prediction a client received a 2xx for is in the log;
 * - by default, what is lost is what was still buffered: the writer stores events in the order
 *   they were answered, so for each (sequential) client the lost answers of a run are the last
 *   ones it received before the kill, never one followed by a stored answer. The counts are
 *   printed, not asserted (how much fits in the ~50 ms window depends on the machine).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer as netServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRng, type Rng } from '@keel/core'
import { runCli } from '../../cli/test-support/run-cli.js'
import { readEvents } from '../../stores/events/index.js'
import { openSqliteEventLog } from '../../stores/events/sqlite-event-log.js'

const bin = resolve(import.meta.dirname, '../../../bin/keel.js')
const CLIENTS = 8

let dir = ''
const children = new Set<ChildProcess>()

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keel-log-crash-'))
  const rng = createRng(11)
  const lines = ['id,age,income,churned']
  for (let i = 0; i < 300; i++) {
    const age = 18 + rng.int(60)
    lines.push(`${i},${age},${20_000 + rng.int(100_000)},${rng.float() < (age < 40 ? 0.6 : 0.2)}`)
  }
  writeFileSync(join(dir, 'customers.csv'), `${lines.join('\n')}\n`)
  writeFileSync(
    join(dir, 'keel.config.ts'),
    `export default {
  name: 'churn',
  sources: { data: { path: 'customers.csv' } },
  label: { column: 'churned', task: 'binary' },
  candidates: [{ name: 'lr', kind: 'logistic-regression' }],
}
`,
  )
  const trained = await runCli(['train', '-C', dir, '--json'])
  expect(trained.code).toBe(0)
}, 120_000)

afterAll(() => {
  for (const c of children) c.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
})

const freePort = (): Promise<number> =>
  new Promise((done, fail) => {
    const s = netServer()
    s.once('error', fail)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => done(port))
    })
  })

/** Start `keel serve` and resolve with its URL once it listens. */
const startServe = async (
  events: string,
  durable: boolean,
): Promise<{ url: string; child: ChildProcess }> => {
  const port = await freePort()
  const args = ['serve', 'churn@1', '-p', String(port), '-C', dir, '--json', '--events', events]
  const child = spawn(process.execPath, [bin, ...args, ...(durable ? ['--durable-log'] : [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, KEEL_LOG_LEVEL: 'error' },
  })
  children.add(child)
  child.once('exit', () => children.delete(child))
  let stdout = ''
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  const url = await new Promise<string>((done, fail) => {
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString()
      const m = /"url":\s*"([^"]+)"/.exec(stdout)
      if (m) done(m[1]!)
    })
    child.once('exit', (code) => fail(new Error(`keel serve exited (${code}): ${stderr}`)))
  })
  return { url, child }
}

/** One run: clients predict until the `killAt`-th answer, then the server is killed with SIGKILL. */
const crashRun = async (
  events: string,
  durable: boolean,
  killAt: number,
  rng: Rng,
): Promise<string[][]> => {
  const { url, child } = await startServe(events, durable)
  const exited = new Promise((done) => child.once('exit', done))
  const answered: string[][] = Array.from({ length: CLIENTS }, () => [])
  let total = 0
  let killed = false
  const rows = Array.from({ length: 64 }, () => ({
    age: 18 + rng.int(60),
    income: 20_000 + rng.int(100_000),
  }))
  const client = async (c: number): Promise<void> => {
    for (let i = 0; !killed; i++) {
      try {
        const res = await fetch(`${url}/v1/models/churn/predict?version=1`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ row: rows[(c * 7 + i) % rows.length] }),
        })
        const body = (await res.json()) as { request_id: string }
        expect(res.status).toBe(200)
        answered[c]!.push(body.request_id)
        if (++total === killAt) {
          killed = true
          child.kill('SIGKILL')
        }
      } catch (e) {
        if (!killed) throw e // only the kill may cut a request short
      }
    }
  }
  await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)))
  await exited
  return answered
}

const storedRequestIds = async (file: string): Promise<Set<string>> => {
  const log = openSqliteEventLog(file)
  const ids = new Set<string>()
  for await (const e of readEvents(log, { kinds: ['prediction'] }))
    if (e.kind === 'prediction') ids.add(e.requestId)
  await log.close()
  return ids
}

describe('keel serve killed with SIGKILL under load', () => {
  it("durable log: 20 kills lose no answered prediction; default: only each client's last answers", async () => {
    const rng = createRng(2026)
    const durableRuns: string[][][] = []
    for (let k = 0; k < 20; k++)
      durableRuns.push(await crashRun('sqlite:.keel/durable.db', true, 20 + rng.int(150), rng))
    const durableStored = await storedRequestIds(join(dir, '.keel', 'durable.db'))
    const acknowledged = durableRuns.flat(2)
    expect(acknowledged.length).toBeGreaterThan(20 * 20)
    expect(acknowledged.filter((id) => !durableStored.has(id))).toEqual([])

    const defaultRuns: string[][][] = []
    for (let k = 0; k < 4; k++)
      defaultRuns.push(await crashRun('sqlite:.keel/default.db', false, 100 + rng.int(200), rng))
    const defaultStored = await storedRequestIds(join(dir, '.keel', 'default.db'))
    let lost = 0
    for (const run of defaultRuns) {
      for (const answers of run) {
        const firstLost = answers.findIndex((id) => !defaultStored.has(id))
        if (firstLost < 0) continue
        // Everything after the first lost answer of this client in this run is lost too.
        expect(answers.slice(firstLost).filter((id) => defaultStored.has(id))).toEqual([])
        lost += answers.length - firstLost
      }
    }
    console.log(
      `durable: ${acknowledged.length} answered over 20 kills, 0 lost; default: ${lost} of ${defaultRuns.flat(2).length} answered lost over 4 kills`,
    )
  }, 300_000)
})
