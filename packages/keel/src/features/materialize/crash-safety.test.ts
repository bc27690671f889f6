/**
 * Materialization after kill -9: a child process materializing a few thousand rows into a SQLite
 * online store (watermark in a SQLite metadata store) is killed with SIGKILL after a random number
 * of batches, several times over the same files, then run to the end. The online state must equal
 * that of a run never interrupted, and the point-in-time reference at the last time.
 */
import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { createRng } from '@keel/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSqlMaterializationStateStore } from '../../stores/features/sql-materialization-state-store.js'
import { openMetadataStore } from '../../stores/metadata/open.js'
import { openSqliteOnlineStore } from '../../stores/online/sqlite-online-store.js'
import { tempDir } from '../../stores/test-support/backends.js'
import { prepareWriter, type PreparedWriter } from '../../stores/test-support/spawn-writer.js'
import { viewNamespace } from '../online/layout.js'
import { pointInTimeReference } from '../point-in-time.js'
import { crashView, materializeTimes } from './test-support/crash-run.js'
import { onlineLookups } from './test-support/fixtures.js'
import { CRASH_TIMES, generatedRows } from './test-support/generated-rows.js'

const SEED = 20261207
const source = new URL('./test-support/materialize-writer.ts', import.meta.url).pathname
let writer: PreparedWriter = { command: [], dispose: () => undefined }
const children = new Set<{ kill(signal: NodeJS.Signals): boolean }>()
const dirs: string[] = []
beforeAll(async () => {
  writer = await prepareWriter(source)
})
afterAll(() => {
  for (const c of children) c.kill('SIGKILL')
  writer.dispose()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

/**
 * Run the writer over `dir`; with `killAfter`, SIGKILL it once it has reported that many batches.
 * Resolves with how the child ended: `done`, `killed` or its exit code on failure.
 */
const run = (dir: string, times: readonly number[], killAfter?: number): Promise<string> =>
  new Promise((resolve) => {
    const [exe, ...prefix] = writer.command as [string, ...string[]]
    const child = spawn(exe, [...prefix, dir, String(SEED), times.join(',')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    children.add(child)
    let progress = 0
    let out = ''
    let err = ''
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      progress = out.split('progress').length - 1
      if (killAfter !== undefined && progress >= killAfter) child.kill('SIGKILL')
    })
    child.on('exit', (code, signal) => {
      children.delete(child)
      resolve(
        signal === 'SIGKILL' ? 'killed' : out.includes('done') ? 'done' : `exit ${code}: ${err}`,
      )
    })
  })

/** Every key's stored value (raw) and the watermark in `dir`. */
const snapshot = async (dir: string, keys: readonly string[]) => {
  const view = crashView()
  const online = openSqliteOnlineStore(join(dir, 'online.db'))
  const metadata = await openMetadataStore({ url: `sqlite:${join(dir, 'meta.db')}` })
  try {
    const raw = await online.getMany(viewNamespace(view), keys, { now: 0 })
    const served = await onlineLookups(online, view, keys, CRASH_TIMES[1])
    const state = await createSqlMaterializationStateStore(metadata).get({
      view: view.name,
      version: view.version,
      target: 'sqlite',
    })
    return { raw, served, watermark: state?.watermark, view }
  } finally {
    await online.close()
    await metadata.close()
  }
}

describe('materialization crash safety', () => {
  it('converges to the uninterrupted state after kill -9 at random moments', async () => {
    const rows = generatedRows(SEED)
    const keys = [...new Set(rows.map((r) => r.key!))].sort()
    const clean = tempDir('keel-materialize-clean-')
    const crashed = tempDir('keel-materialize-crash-')
    dirs.push(clean, crashed)

    await materializeTimes(clean, SEED, CRASH_TIMES)
    const rng = createRng(SEED)
    // A run to the first time reports 46 batches (12 read, 34 written), to the second 43 (a
    // rerun reads and writes the same batches again). Killed: on the way to the first time; past
    // it, on the way to the second; then on the way to the second with the first done.
    const outcomes = [
      await run(crashed, CRASH_TIMES, 1 + rng.int(40)),
      await run(crashed, CRASH_TIMES, 50 + rng.int(25)),
      await run(crashed, CRASH_TIMES, 1 + rng.int(30)),
    ]
    // The kill lands a few batches after it is asked for (the child keeps running until the
    // signal arrives): with at least 15 batches to spare the later runs die part-way too, unless
    // the machine is very busy, when one may finish first, which is still a valid history.
    expect(outcomes[0]).toBe('killed')
    for (const o of outcomes) expect(['killed', 'done']).toContain(o)
    expect(await run(crashed, CRASH_TIMES)).toBe('done')

    const a = await snapshot(clean, keys)
    const b = await snapshot(crashed, keys)
    expect(b.watermark).toBe(CRASH_TIMES[1])
    expect(b.raw).toEqual(a.raw)
    expect(b.served).toEqual(
      keys.map((k) => pointInTimeReference(rows, k, CRASH_TIMES[1], { ttlMs: a.view.ttlMs })),
    )
  }, 30_000)
})
