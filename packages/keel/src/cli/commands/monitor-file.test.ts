import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Command } from 'commander'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createRng, Frame, type ModelBundle } from '@keel/core'
import { predictBatch } from '../../batch/index.js'
import type { MonitoringReport } from '../../monitoring/index.js'
import { trainMonitoredBundle } from '../../testing/monitor-fixture.js'
import { openStores } from '../../stores/index.js'
import { registerMonitor } from './monitor.js'

let dir: string
let bundle: ModelBundle

/** 300 rows like the fixture's training rows, x1 shifted by 1.5 sd, with a yes/no label `y`. */
const newRows = (): { x1: number; x2: number; cat: string; y: string }[] => {
  const rng = createRng(21)
  return Array.from({ length: 300 }, () => {
    const x1 = +(rng.normal() + 1.5).toFixed(4)
    const x2 = +(5 + 2 * rng.normal()).toFixed(4)
    const u = rng.float()
    const cat = u < 0.5 ? 'a' : u < 0.8 ? 'b' : 'c'
    const z = 2 * x1 - 0.4 * (x2 - 5) + (cat === 'a' ? 0.5 : -0.5)
    return { x1, x2, cat, y: rng.float() < 1 / (1 + Math.exp(-z)) ? 'yes' : 'no' }
  })
}

const csv = (rows: readonly Record<string, unknown>[], columns: readonly string[]): string =>
  [columns.join(','), ...rows.map((r) => columns.map((c) => String(r[c])).join(','))].join('\n') +
  '\n'

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keel-monitor-file-'))
  const workspace = join(dir, '.keel')
  bundle = trainMonitoredBundle()
  const stores = await openStores({
    url: `sqlite:${workspace}/keel.db`,
    dir,
    artifactRoot: join(workspace, 'artifacts'),
  })
  try {
    const ref = await stores.artifacts.put(JSON.stringify(bundle.toJSON()))
    await stores.registry.createVersion({ model: 'toy', bundle: ref })
    await stores.registry.promote('toy', 1, 'production', { reason: 'monitored' })
  } finally {
    await stores.close()
  }
  const rows = newRows()
  writeFileSync(join(dir, 'new.csv'), csv(rows, ['x1', 'x2', 'cat']))
  writeFileSync(join(dir, 'labelled.csv'), csv(rows, ['x1', 'x2', 'cat', 'y']))
  // What `keel predict -i labelled.csv -o scored.parquet --passthrough x1,x2,cat,y` writes.
  await predictBatch({
    bundle,
    input: [
      Frame.fromRows(rows, { x1: 'numeric', x2: 'numeric', cat: 'categorical', y: 'categorical' }),
    ],
    output: join(dir, 'scored.parquet'),
    passthrough: ['x1', 'x2', 'cat', 'y'],
  })
  await predictBatch({
    bundle,
    input: [Frame.fromRows(rows, { x1: 'numeric', x2: 'numeric', cat: 'categorical' })],
    output: join(dir, 'bare.parquet'),
  })
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))
afterEach(() => {
  vi.restoreAllMocks()
  process.exitCode = 0
})

const keel = async (...args: string[]): Promise<string> => {
  const stdout: string[] = []
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk))
    return true
  })
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
  const program = new Command('keel').exitOverride()
  registerMonitor(program)
  await program.parseAsync(['node', 'keel', ...args, '-C', dir, '-q'])
  vi.restoreAllMocks()
  return stdout.join('')
}

const monitorJson = async (...args: string[]): Promise<MonitoringReport> =>
  JSON.parse(await keel('monitor', 'toy', '--json', ...args)) as MonitoringReport

describe('keel monitor --input / --batch', () => {
  it('monitors the rows of a file: drift and quality, and says performance needs labels', async () => {
    const r = await monitorJson('--input', 'new.csv')
    expect(process.exitCode).toBe(0)
    expect(r.file).toEqual({
      path: 'new.csv',
      role: 'input',
      rows: 300,
      rejected: 0,
      labelled: 0,
      absentInputs: [],
    })
    expect(r.windows).toHaveLength(1)
    expect(r.events.predictions).toBe(300)
    expect(r.drift.windows[0]!.report!.driftedFeatures).toEqual(['x1'])
    expect(r.output.windows[0]!.status).toBe('tested')
    expect(r.quality[0]!.rows).toBe(300)
    expect(r.performance.windows[0]!.metrics.every((m) => m.estimate === null)).toBe(true)
    expect(r.notes.join('\n')).toContain(
      'no values in a "y" column, so performance is not measured',
    )
    expect(r.delivery).toBeNull()
  })

  it('measures performance when the file carries the label column', async () => {
    const r = await monitorJson('--input', 'labelled.csv')
    expect(r.file).toMatchObject({ rows: 300, labelled: 300 })
    expect(r.events.labelled).toBe(300)
    const auc = r.performance.windows[0]!.metrics.find((m) => m.metric === 'roc_auc')!
    expect(auc.estimate).toBeGreaterThan(0.5)
    expect(auc.lower).not.toBeNull()
  })

  it('reads a batch output back: the same predictions, so the same report as its input rows', async () => {
    const fromInput = await monitorJson('--input', 'labelled.csv')
    const fromBatch = await monitorJson('--batch', 'scored.parquet')
    expect(fromBatch.file).toMatchObject({ role: 'batch', rows: 300, labelled: 300 })
    // Parquet stores the probabilities as written; the statistics match to the last digit.
    expect(fromBatch.output.windows).toEqual(fromInput.output.windows)
    expect(fromBatch.drift.windows).toEqual(fromInput.drift.windows)
    expect(fromBatch.performance.windows).toEqual(fromInput.performance.windows)
  })

  it('leaves out inputs a batch output does not carry instead of counting them missing', async () => {
    const r = await monitorJson('--batch', 'bare.parquet')
    expect(r.file).toMatchObject({ absentInputs: ['x1', 'x2', 'cat'], labelled: 0 })
    expect(r.drift.features).toEqual([])
    expect(r.drift.skippedFeatures.map((s) => [s.feature, s.reason])).toEqual([
      ['x1', 'not a column of the monitored rows'],
      ['x2', 'not a column of the monitored rows'],
      ['cat', 'not a column of the monitored rows'],
    ])
    expect(r.quality[0]!.fields).toEqual([])
    expect(r.output.windows[0]!.status).toBe('tested')
  })

  it('counts rows that break the input schema, and monitors the rest', async () => {
    const rows = newRows()
    // `cat` never missed in training, so a row without it is refused, as the service would.
    writeFileSync(
      join(dir, 'some-bad.csv'),
      csv([...rows, { ...rows[0]!, cat: '' }, { ...rows[1]!, cat: '' }], ['x1', 'x2', 'cat']),
    )
    const r = await monitorJson('--input', 'some-bad.csv')
    expect(r.file).toMatchObject({ rows: 302, rejected: 2 })
    expect(r.events.predictions).toBe(300)
    expect(r.notes.join('\n')).toMatch(/2 row\(s\) break the input schema .*"cat" is required/)
  })

  it('refuses options that read the prediction log, and a file that is not a batch output', async () => {
    const watch = JSON.parse(
      await keel('monitor', 'toy', '--json', '--input', 'new.csv', '--from', '2001-01-01'),
    )
    expect(watch.error).toMatchObject({ code: 'INVALID_ARGUMENT' })
    expect(watch.error.message).toMatch(/from reads the prediction log/)
    const window = JSON.parse(
      await keel('monitor', 'toy', '--json', '--input', 'new.csv', '--window', '1d'),
    )
    expect(window.error.code).toBe('INVALID_ARGUMENT')
    const notBatch = JSON.parse(await keel('monitor', 'toy', '--json', '--batch', 'new.csv'))
    expect(notBatch.error).toMatchObject({ code: 'SCHEMA_MISMATCH' })
    expect(notBatch.error.message).toContain('no "prediction" column')
    await expect(keel('monitor', 'toy', '--input', 'a.csv', '--batch', 'b.csv')).rejects.toThrow(
      /cannot be used with/,
    )
  })
})
