import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Command } from 'commander'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { openSqliteEventLog, sqliteEventLogPath } from '../../stores/events/index.js'
import type { MonitoringReport } from '../../monitoring/index.js'
import { DAY, monitoredTraffic, T0, trainMonitoredBundle } from '../../testing/monitor-fixture.js'
import { openStores } from '../../stores/index.js'
import { createProgram } from '../program.js'
import { registerMonitor } from './monitor.js'

let dir: string
let stdout: string[]

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keel-monitor-cli-'))
  const workspace = join(dir, '.keel')
  const bundle = trainMonitoredBundle()
  const stores = await openStores({
    url: `sqlite:${workspace}/keel.db`,
    dir,
    artifactRoot: join(workspace, 'artifacts'),
  })
  try {
    const ref = await stores.artifacts.put(JSON.stringify(bundle.toJSON()))
    await stores.registry.createVersion({ model: 'toy', bundle: ref })
    await stores.registry.promote('toy', 1, 'production', { reason: 'monitored' })
    // A model with no production alias yet: a bare name does not fall back to another version.
    await stores.registry.createVersion({ model: 'fresh', bundle: ref })
  } finally {
    await stores.close()
  }
  // Where `keel serve` logs for a project rooted at `dir`.
  const log = openSqliteEventLog(sqliteEventLogPath(dir))
  await log.append(monitoredTraffic(bundle, { days: 4, perDay: 250, driftFrom: 2 }))
  await log.close()
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))
afterEach(() => {
  vi.restoreAllMocks()
  process.exitCode = 0
})

/** Run `keel <args>` in-process (the monitor command alone, or the whole program) and return its stdout. */
const run = async (whole: boolean, args: string[]): Promise<string> => {
  stdout = []
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk))
    return true
  })
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
  const program = whole ? createProgram({ exitOverride: true }) : new Command('keel').exitOverride()
  if (!whole) registerMonitor(program)
  await program.parseAsync(['node', 'keel', ...args, '-C', dir, '-q'])
  vi.restoreAllMocks()
  return stdout.join('')
}
const keel = (...args: string[]): Promise<string> => run(false, args)

describe('keel monitor', () => {
  it('prints the report as JSON for the version a bare name means: the production alias', async () => {
    const text = await keel(
      'monitor',
      'toy',
      '--json',
      '--no-notify',
      '--to',
      new Date(T0 + 4 * DAY).toISOString(),
    )
    expect(process.exitCode).toBe(0)
    const report = JSON.parse(text) as MonitoringReport
    expect(report.version).toBe('1')
    expect(report.windows).toHaveLength(4)
    expect(report.drift.windows.map((w) => w.report?.driftedFeatures)).toEqual([
      [],
      [],
      ['x1'],
      ['x1'],
    ])
  })

  it("takes --version after the command as the model version, not Keel's own", async () => {
    const text = await run(true, ['monitor', 'toy', '--version', '1', '--json', '--no-notify'])
    expect((JSON.parse(text) as MonitoringReport).version).toBe('1')
  })

  it('prints a readable summary, with count windows', async () => {
    const text = await keel('monitor', 'toy@1', '--every', '500', '--no-notify')
    expect(process.exitCode).toBe(0)
    expect(text).toMatch(/toy v1 \(binary\) — 2 window\(s\) of 500 predictions/)
    expect(text).toContain('Feature drift')
    expect(text).toMatch(/Alerts: \d+ new/)
  })

  it('keeps alert state in the workspace so a second run sends nothing new', async () => {
    const first = JSON.parse(await keel('monitor', 'toy', '--json')) as MonitoringReport
    expect(first.delivery!.fresh).toBeGreaterThan(0)
    expect(existsSync(join(dir, '.keel', 'monitor-state.json'))).toBe(true)
    const second = JSON.parse(await keel('monitor', 'toy', '--json')) as MonitoringReport
    expect(second.delivery!.fresh).toBe(0)
  })

  it('shows an alert a previous `keel monitor` raised as new, not folded away as ongoing', async () => {
    const monitored = JSON.parse(await keel('monitor', 'toy', '--json')) as MonitoringReport
    const out = JSON.parse(await keel('monitor', 'report', 'toy', '--json')) as {
      html: string
      json: string
      newAlerts: number
      freshAlerts: number
    }
    const report = JSON.parse(readFileSync(out.json, 'utf8')) as MonitoringReport
    const fresh = monitored.alerts.filter((a) => a.status === 'new')
    expect(fresh.length).toBeGreaterThan(0)
    expect(out).toMatchObject({ newAlerts: fresh.length, freshAlerts: 0 })
    const view = (alerts: MonitoringReport['alerts']) =>
      alerts.filter((a) => a.status === 'new').map((a) => [a.key, a.windowKey, a.firstSeenAt])
    expect(view(report.alerts)).toEqual(view(monitored.alerts))
    const [open] = readFileSync(out.html, 'utf8').split('<details>')
    expect(open!.match(/<td class="name">new<\/td>/g)).toHaveLength(fresh.length)
    // Without notifying, the state is read (not written): the same first-seen times.
    const state = readFileSync(join(dir, '.keel', 'monitor-state.json'), 'utf8')
    const quiet = JSON.parse(
      await keel('monitor', 'toy', '--json', '--no-notify'),
    ) as MonitoringReport
    expect(view(quiet.alerts)).toEqual(view(monitored.alerts))
    expect(quiet.delivery).toBeNull()
    expect(readFileSync(join(dir, '.keel', 'monitor-state.json'), 'utf8')).toBe(state)
  })

  it('writes the HTML and JSON report and prints the path', async () => {
    const text = await keel('monitor', 'report', 'toy', '--window', '2d', '--no-notify')
    const html = text.trim()
    expect(html.startsWith(join(dir, '.keel', 'reports', 'monitor-toy-'))).toBe(true)
    expect(readFileSync(html, 'utf8')).toMatch(/^<!doctype html>/)
    expect(JSON.parse(readFileSync(html.replace(/\.html$/, '.json'), 'utf8')).window).toEqual({
      by: 'time',
      sizeMs: 2 * DAY,
    })
    const out = JSON.parse(
      await keel('monitor', 'report', 'toy', '--out', 'mon.html', '--json', '--no-notify'),
    )
    expect(out).toMatchObject({
      html: join(dir, 'mon.html'),
      json: join(dir, 'mon.json'),
      windows: 4,
    })
  })

  it('answers an unknown model or a bad option with a structured error', async () => {
    const text = await keel('monitor', 'nope', '--json', '--no-notify')
    expect(JSON.parse(text).error.code).toBe('NOT_FOUND')
    expect(process.exitCode).toBe(5)
    await expect(keel('monitor', 'toy', '--window', 'soon')).rejects.toThrow(/duration/)
  })

  it('a bare name without a production alias is NOT_FOUND with a hint, as in every command', async () => {
    const err = JSON.parse(await keel('monitor', 'fresh', '--json', '--no-notify')).error
    expect(err.code).toBe('NOT_FOUND')
    expect(err.hint).toContain('fresh@<version>')
    expect(process.exitCode).toBe(5)
    const text = await keel('monitor', 'fresh:latest', '--json', '--no-notify')
    expect((JSON.parse(text) as MonitoringReport).version).toBe('1')
  })

  it('re-runs with --watch until interrupted, then stops cleanly', async () => {
    const on = vi.spyOn(process, 'on')
    const before = process.listenerCount('SIGINT')
    stdout = []
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout.push(String(chunk))
      return true
    })
    const program = new Command('keel').exitOverride()
    registerMonitor(program)
    const done = program.parseAsync([
      'node',
      'keel',
      'monitor',
      'toy',
      '--watch',
      '--interval',
      '50ms',
      '--json',
      '--no-notify',
      '-C',
      dir,
      '-q',
    ])
    await vi.waitUntil(() => stdout.length >= 2, { timeout: 30_000, interval: 20 })
    const handler = on.mock.calls.find(([event]) => event === 'SIGINT')![1] as () => void
    handler()
    await done
    expect(process.exitCode).toBe(0)
    // One compact JSON document per run.
    const lines = stdout.join('').trim().split('\n')
    expect(lines.length).toBeGreaterThanOrEqual(2)
    for (const line of lines)
      expect(JSON.parse(line)).toMatchObject({ format: 'keel.monitoring.report' })
    expect(process.listenerCount('SIGINT')).toBe(before)
  })
})
