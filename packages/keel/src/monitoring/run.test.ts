import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { workspaceOf, type WorkspacePaths } from '../project/workspace.js'
import { openSqliteEventLog, sqliteEventLogPath } from '../stores/events/index.js'
import { openStores } from '../stores/index.js'
import type { MonitoringReport } from './report.js'
import { runMonitoring } from './run.js'
import { DAY, monitoredTraffic, T0, trainMonitoredBundle } from '../testing/monitor-fixture.js'

let dir: string
let paths: WorkspacePaths
/** The run options every test shares: the bare workspace, its SQLite log, no alerts sent. */
const base = (): { paths: WorkspacePaths; events: string; notify: false } => ({
  paths,
  events: 'sqlite',
  notify: false,
})

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keel-monitor-run-'))
  paths = workspaceOf(dir)
  const bundle = trainMonitoredBundle()
  const stores = await openStores({
    url: `sqlite:${paths.workspace}/keel.db`,
    dir,
    artifactRoot: join(paths.workspace, 'artifacts'),
  })
  try {
    const ref = await stores.artifacts.put(JSON.stringify(bundle.toJSON()))
    await stores.registry.createVersion({ model: 'toy', bundle: ref })
    await stores.registry.promote('toy', 1, 'production', { reason: 'monitored' })
  } finally {
    await stores.close()
  }
  const log = openSqliteEventLog(sqliteEventLogPath(dir))
  await log.append(monitoredTraffic(bundle, { days: 4, perDay: 250, driftFrom: 2 }))
  await log.close()
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('runMonitoring', () => {
  it('runs once without watch: one report, returned, for the version a bare name means', async () => {
    const reports: MonitoringReport[] = []
    const phases: string[] = []
    const last = await runMonitoring({
      ...base(),
      model: 'toy',
      to: new Date(T0 + 4 * DAY).toISOString(),
      onPhase: (p) => phases.push(p),
      onReport: (r) => void reports.push(r),
    })
    expect(reports).toEqual([last])
    expect(last.version).toBe('1')
    expect(last.windows).toHaveLength(4)
    expect(phases).toEqual(['loading the bundle', 'monitoring toy v1 (alias production)'])
  })

  it('watches: one report per tick until the signal aborts, then returns the last', async () => {
    const stop = new AbortController()
    const reports: MonitoringReport[] = []
    const last = await runMonitoring({
      ...base(),
      model: 'toy@1',
      window: { by: 'count', size: 500 },
      watch: true,
      interval: '10ms',
      signal: stop.signal,
      onReport: (r) => {
        reports.push(r)
        if (reports.length === 3) stop.abort()
      },
    })
    expect(reports).toHaveLength(3)
    expect(last).toBe(reports[2])
    for (const r of reports) expect(r.windows).toHaveLength(2)
  })

  it('stops a watch during its sleep, without waiting for the interval', async () => {
    const stop = new AbortController()
    let count = 0
    const started = Date.now()
    await runMonitoring({
      ...base(),
      model: 'toy',
      watch: true,
      interval: '1h',
      signal: stop.signal,
      onReport: () => {
        count++
        setTimeout(() => stop.abort(), 20)
      },
    })
    expect(count).toBe(1)
    expect(Date.now() - started).toBeLessThan(60_000)
  })

  it('refuses a version or alias on top of an inline reference, and a run with no model', async () => {
    await expect(runMonitoring({ ...base(), model: 'toy@1', version: 1 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    })
    await expect(runMonitoring({ ...base() })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: 'name the model to monitor',
    })
  })

  it('reports an unknown model as NOT_FOUND', async () => {
    await expect(runMonitoring({ ...base(), model: 'nope' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
  })
})
