import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import { createMemoryEventLog } from '../stores/events/index.js'
import { dispatchAlerts } from './dispatch.js'
import { monitorWindows } from './monitor-windows.js'
import type { MonitoringConfig } from './config.js'
import { DAY, monitoredTraffic, T0, trainMonitoredBundle } from '../testing/monitor-fixture.js'
import { memoryLogger, reportWithAlerts, startWebhook } from './test-support/report-fixture.js'
import { postWebhook } from './webhook.js'

const LOG_ONLY: Pick<MonitoringConfig, 'alerts'> = { alerts: { log: true } }
const hook = (url: string, retries = 2): Pick<MonitoringConfig, 'alerts'> => ({
  alerts: { log: false, webhook: { url, timeoutMs: 2000, retries, backoffMs: 5 } },
})

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keel-monitor-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** Runs of consecutive active windows per subject: how often each alert should be sent. */
const runsOf = (active: readonly (readonly string[])[]): number => {
  let runs = 0
  active.forEach((subjects, k) => {
    for (const s of subjects) if (!active[k - 1]?.includes(s)) runs++
  })
  return runs
}

describe('dispatchAlerts', () => {
  it('logs each fresh alert once and marks ongoing ones as such', async () => {
    const { logger, lines } = memoryLogger()
    const r = await dispatchAlerts(
      reportWithAlerts([['a'], ['a', 'b'], ['a'], [], ['a']]),
      LOG_ONLY,
      { logger },
    )
    expect(r.alerts.map((a) => [a.subject, a.window, a.fresh, a.notified])).toEqual([
      ['a', 0, true, true],
      ['a', 1, false, false],
      ['b', 1, true, true],
      ['a', 2, false, false],
      ['a', 4, true, true],
    ])
    expect(lines.map((l) => [(l['alert'] as { key: string }).key, l['level']])).toEqual([
      ['feature_drift:a', 40],
      ['feature_drift:b', 40],
      ['feature_drift:a', 40],
    ])
    expect(r.delivery).toEqual({ fresh: 3, logged: 3, webhook: null, stateFile: null })
  })

  test.prop([fc.array(fc.subarray(['a', 'b', 'c']), { minLength: 1, maxLength: 8 }), fc.nat(8)], {
    numRuns: 40,
  })(
    'sends every run of consecutive windows exactly once, however the log is split into runs',
    async (active, cut) => {
      const stateFile = join(dir, `state-${Math.random().toString(36).slice(2)}.json`)
      const { logger } = memoryLogger()
      const s = Math.min(cut, active.length)
      const first = await dispatchAlerts(reportWithAlerts(active.slice(0, s)), LOG_ONLY, {
        stateFile,
        logger,
      })
      const second = await dispatchAlerts(reportWithAlerts(active), LOG_ONLY, { stateFile, logger })
      const third = await dispatchAlerts(reportWithAlerts(active), LOG_ONLY, { stateFile, logger })
      expect(first.delivery!.fresh + second.delivery!.fresh).toBe(runsOf(active))
      expect(third.delivery!.fresh).toBe(0)
    },
  )

  it('keeps an alert raised in the reported window new, with its first-seen time, on every rerun', async () => {
    const stateFile = join(dir, 'monitor-state.json')
    const { logger } = memoryLogger()
    const report = reportWithAlerts([['a'], ['a', 'b']])
    const first = await dispatchAlerts(report, LOG_ONLY, { stateFile, logger })
    const again = {
      ...report,
      generatedAt: new Date(Date.parse(report.generatedAt) + 60_000).toISOString(),
    }
    const second = await dispatchAlerts(again, LOG_ONLY, { stateFile, logger })
    const third = await dispatchAlerts(again, LOG_ONLY, { stateFile, logger })
    const view = (r: typeof first) =>
      r.alerts.map((a) => [a.subject, a.window, a.status, a.since, a.firstSeenAt])
    const day = (k: number) => new Date(T0 + k * DAY).toISOString()
    expect(view(first)).toEqual([
      ['a', 0, 'new', day(0), report.generatedAt],
      ['a', 1, 'ongoing', day(0), report.generatedAt],
      ['b', 1, 'new', day(1), report.generatedAt],
    ])
    // The reruns send nothing, but what was new stays new, first seen by the first run.
    expect(view(second)).toEqual(view(first))
    expect(view(third)).toEqual(view(first))
    expect(second.alerts.map((a) => a.fresh)).toEqual([false, false, false])
    expect(first.alerts.map((a) => a.fresh)).toEqual([true, false, true])
  })

  it('only reads the state when not sending: nothing logged, nothing written', async () => {
    const stateFile = join(dir, 'monitor-state.json')
    const { logger, lines } = memoryLogger()
    const report = reportWithAlerts([['a']])
    const quiet = await dispatchAlerts(report, LOG_ONLY, { stateFile, logger, send: false })
    expect(quiet.alerts.map((a) => [a.status, a.fresh, a.notified])).toEqual([['new', true, false]])
    expect(quiet.delivery).toBeNull()
    expect(lines).toEqual([])
    expect(() => readFileSync(stateFile)).toThrow(/ENOENT/)
    const sent = await dispatchAlerts(report, LOG_ONLY, { stateFile, logger })
    const later = { ...report, generatedAt: new Date(T0 + 9 * DAY).toISOString() }
    const again = await dispatchAlerts(later, LOG_ONLY, { stateFile, logger, send: false })
    expect(again.alerts[0]).toMatchObject({ status: 'new', fresh: false })
    expect(again.alerts[0]!.firstSeenAt).toBe(sent.alerts[0]!.firstSeenAt)
  })

  it('treats a damaged state file as empty (an alert may repeat, never vanish)', async () => {
    const stateFile = join(dir, 'monitor-state.json')
    writeFileSync(stateFile, '{ not json')
    const { logger, lines } = memoryLogger()
    const r = await dispatchAlerts(reportWithAlerts([['a']]), LOG_ONLY, { stateFile, logger })
    expect(r.delivery!.fresh).toBe(1)
    expect(lines.some((l) => String(l['msg']).includes('not valid JSON'))).toBe(true)
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toMatchObject({
      format: 'keel.monitor.state',
    })
  })

  it('POSTs fresh alerts to a webhook and retries a failing receiver next run', async () => {
    const stateFile = join(dir, 'monitor-state.json')
    const down = await startWebhook([500, 500])
    try {
      const failed = await dispatchAlerts(reportWithAlerts([['a'], ['a']]), hook(down.url, 1), {
        stateFile,
        logger: memoryLogger().logger,
      })
      expect(failed.delivery!.webhook).toEqual({
        ok: false,
        attempts: 2,
        status: 500,
        error: 'HTTP 500',
      })
      expect(failed.alerts.every((a) => !a.notified)).toBe(true)
    } finally {
      await down.close()
    }
    const up = await startWebhook()
    try {
      const sent = await dispatchAlerts(reportWithAlerts([['a'], ['a']]), hook(up.url), {
        stateFile,
        logger: memoryLogger().logger,
      })
      expect(sent.delivery!.webhook).toEqual({ ok: true, attempts: 1, status: 200 })
      expect(up.bodies).toHaveLength(1)
      expect(up.bodies[0]).toMatchObject({
        format: 'keel.monitor.alerts',
        model: 'toy',
        alerts: [{ key: 'feature_drift:a', window: 0 }],
      })
    } finally {
      await up.close()
    }
  })
})

describe('postWebhook', () => {
  it('retries 503 with backoff, does not retry 400, and times out a silent receiver', async () => {
    const flaky = await startWebhook([503])
    const bad = await startWebhook([400])
    const silent = await startWebhook(['hang'])
    try {
      expect(
        await postWebhook({ url: flaky.url, timeoutMs: 2000, retries: 2, backoffMs: 5 }, { x: 1 }),
      ).toEqual({ ok: true, attempts: 2, status: 200 })
      expect(
        await postWebhook({ url: bad.url, timeoutMs: 2000, retries: 2, backoffMs: 5 }, {}),
      ).toEqual({ ok: false, attempts: 1, status: 400, error: 'HTTP 400' })
      const timedOut = await postWebhook(
        { url: silent.url, timeoutMs: 100, retries: 0, backoffMs: 5 },
        {},
      )
      expect(timedOut).toEqual({ ok: false, attempts: 1, error: 'timed out after 100 ms' })
      expect(flaky.bodies).toEqual([{ x: 1 }])
    } finally {
      await Promise.all([flaky.close(), bad.close(), silent.close()])
    }
  })

  it('refuses non-http schemes', async () => {
    await expect(
      postWebhook({ url: 'file:///etc/passwd', timeoutMs: 100, retries: 0, backoffMs: 0 }, {}),
    ).rejects.toMatchObject({ code: 'INVALID_CONFIG' })
  })
})

describe('monitoring alerts end to end', () => {
  it('fire once across runs and reach a local webhook', async () => {
    const bundle = trainMonitoredBundle()
    const log = createMemoryEventLog()
    await log.append(monitoredTraffic(bundle, { days: 5, perDay: 300, driftFrom: 2 }))
    const receiver = await startWebhook()
    const stateFile = join(dir, 'monitor-state.json')
    try {
      const run = () =>
        monitorWindows({
          eventLog: log,
          bundle,
          model: 'toy',
          asOf: T0 + 6 * DAY,
          config: {
            bootstrap: { resamples: 20 },
            detectors: { enabled: false },
            alerts: { log: false, webhook: { url: receiver.url } },
          },
          dispatch: { stateFile, logger: memoryLogger().logger },
        })
      const first = await run()
      const x1 = first.alerts.filter((a) => a.key === 'feature_drift:x1')
      expect(x1.map((a) => [a.window, a.fresh, a.notified])).toEqual([
        [2, true, true],
        [3, false, false],
        [4, false, false],
      ])
      expect(receiver.bodies).toHaveLength(1)
      const sent = (receiver.bodies[0] as { alerts: { key: string }[] }).alerts.map((a) => a.key)
      expect(sent.filter((k) => k === 'feature_drift:x1')).toHaveLength(1)
      expect(sent).not.toContain('feature_drift:x2')
      const second = await run()
      expect(second.alerts.length).toBe(first.alerts.length)
      expect(second.alerts.some((a) => a.fresh)).toBe(false)
      expect(receiver.hits()).toBe(1)
    } finally {
      await receiver.close()
    }
  })
})
