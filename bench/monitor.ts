/**
 * Monitoring benchmark: `npm run bench -- monitor [--days 98] [--per-day 1000] [--window 7d]`.
 *
 * A small GBDT bundle with a monitoring reference scores `days × per-day` synthetic predictions
 * (covariate drift from day 40, concept drift from day 70), 90% of which get a label 1–6 h later;
 * the events go into an embedded SQLite event log, then one `monitorWindows` run reads them back and
 * computes every section (drift, quality, performance with 200 bootstrap resamples per metric and
 * window, detectors, alerts). The defaults give 98k predictions, ~88k labels and 14 weekly windows.
 *
 * Reported: wall and CPU seconds of the monitoring run (writing the log is not counted), and the
 * label join on its own. The last line is one JSON object.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { joinLabels, openSqliteEventLog } from 'keel/stores'
import { monitorWindows } from 'keel/monitoring'
import { monitoredTraffic, trainMonitoredBundle } from 'keel/testing'
import { peakRssMb, report, round } from './util.js'

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    days: { type: 'string', default: '98' },
    'per-day': { type: 'string', default: '1000' },
    window: { type: 'string', default: '7d' },
  },
})
const days = Number(values.days)
const perDay = Number(values['per-day'])

const measure = async <T>(fn: () => Promise<T>): Promise<[T, number, number]> => {
  const c0 = process.cpuUsage()
  const t0 = process.hrtime.bigint()
  const out = await fn()
  const wall = Number(process.hrtime.bigint() - t0) / 1e9
  const c = process.cpuUsage(c0)
  return [out, wall, (c.user + c.system) / 1e6]
}

const dir = mkdtempSync(join(tmpdir(), 'keel-bench-monitor-'))
try {
  const bundle = trainMonitoredBundle('toy')
  const events = monitoredTraffic(bundle, { days, perDay, driftFrom: 40, conceptFrom: 70 })
  const log = openSqliteEventLog(join(dir, 'events.db'))
  for (let i = 0; i < events.length; i += 5000) await log.append(events.slice(i, i + 5000))
  const predictions = events.filter((e) => e.kind === 'prediction').length
  const labels = events.length - predictions
  const asOf = events.reduce((m, e) => Math.max(m, e.time), 0) + 1

  const [join_, joinWall, joinCpu] = await measure(() =>
    joinLabels(log, { from: 0, to: asOf, model: 'toy', lookbackMs: 0 }),
  )
  const [rep, wall, cpu] = await measure(() =>
    monitorWindows({
      eventLog: log,
      bundle,
      model: 'toy',
      window: { by: 'time', size: values.window },
      asOf,
    }),
  )
  await log.close()
  const auc = rep.performance.windows.map(
    (w) => w.metrics.find((m) => m.metric === 'roc_auc')?.estimate ?? null,
  )
  console.log(`predictions ${predictions}, labels ${labels}, windows ${rep.windows.length}`)
  console.log(`label join alone: ${round(joinWall)} s wall, ${round(joinCpu)} s CPU`)
  console.log(`monitorWindows: ${round(wall)} s wall, ${round(cpu)} s CPU`)
  console.log(`AUC by window: ${auc.map((a) => (a === null ? '-' : a.toFixed(4))).join(' ')}`)
  report({
    bench: 'monitor',
    predictions,
    labels,
    joined: join_.joined.length,
    windows: rep.windows.length,
    seconds: round(wall),
    cpu_seconds: round(cpu),
    join_seconds: round(joinWall),
    join_cpu_seconds: round(joinCpu),
    peak_rss_mb: peakRssMb(),
  })
} finally {
  rmSync(dir, { recursive: true, force: true })
}
