import { describe, expect, it } from 'vitest'
import { categoricalColumn } from '../frame/index.js'
import { createRng } from '../random/index.js'
import type { SchemaContract } from '../schema/index.js'
import { leakyGroupRate, pointInTimeGroupRate } from './group-rate.js'
import { leakageReport } from './report.js'
import { syntheticFlights, timeSplit } from './test-support.js'
import type { LeakageCheck, LeakageReport } from './types.js'

const H = 3_600_000

/** The flights demo in miniature: one leaky and one point-in-time late rate per origin. */
const demo = () => {
  const flights = syntheticFlights()
  const leaky = leakyGroupRate(flights, {
    group: 'origin',
    label: 'late',
    time: 'date',
    period: 'utc-day',
  })
  const pit = pointInTimeGroupRate(flights, {
    group: 'origin',
    label: 'late',
    time: 'date',
    windowMs: 24 * H,
    labelDelayMs: 2 * H,
  })
  const frame = flights.withColumns({
    origin_late_rate_leaky: leaky.rate,
    origin_late_rate_leaky_at: leaky.availableAt,
    origin_late_rate: pit.rate,
    origin_late_rate_at: pit.availableAt,
  })
  const contract: SchemaContract = {
    fields: [
      { name: 'flight_id', kind: 'categorical', role: 'id' },
      { name: 'date', kind: 'timestamp', role: 'timestamp' },
      { name: 'origin', kind: 'categorical', role: 'feature' },
      { name: 'hour', kind: 'numeric', role: 'feature' },
      { name: 'distance', kind: 'numeric', role: 'feature' },
      { name: 'origin_late_rate_leaky', kind: 'numeric', role: 'feature' },
      { name: 'origin_late_rate', kind: 'numeric', role: 'feature' },
      { name: 'origin_late_rate_leaky_at', kind: 'timestamp', role: 'ignore' },
      { name: 'origin_late_rate_at', kind: 'timestamp', role: 'ignore' },
      { name: 'late', kind: 'numeric', role: 'label' },
    ],
  }
  return { frame, contract, split: timeSplit(frame.numRows) }
}

const find = (r: LeakageReport, check: LeakageCheck['check'], feature?: string): LeakageCheck[] =>
  r.checks.filter((c) => c.check === check && (feature === undefined || c.feature === feature))

describe('leakageReport on the flights demo', () => {
  const { frame, contract, split } = demo()
  const report = leakageReport({
    frame,
    contract,
    split,
    splitKind: 'time',
    task: 'binary',
    rng: createRng(42),
    availability: {
      origin_late_rate_leaky: { column: 'origin_late_rate_leaky_at' },
      origin_late_rate: { column: 'origin_late_rate_at' },
    },
    pipelineFit: { rows: split.train },
  })

  it('fails the leaky rate by its declared availability (time travel)', () => {
    const [c] = find(report, 'time_travel', 'origin_late_rate_leaky')
    expect(c!.status).toBe('fail')
    expect(c!.evidence['violatingShare']).toBeGreaterThan(0.5)
  })

  it('fails the leaky rate by single-feature power, and the ablation shows the model leans on it', () => {
    const [c] = find(report, 'single_feature_power', 'origin_late_rate_leaky')
    expect(c!.status).toBe('fail')
    expect(c!.evidence['score']).toBeGreaterThanOrEqual(0.95)
    const [a] = find(report, 'ablation', 'origin_late_rate_leaky')
    expect(a!.status).toBe('warn')
    expect(a!.evidence['drop']).toBeGreaterThan(0.1)
  })

  it('passes every check of the point-in-time rate', () => {
    const own = report.checks.filter((c) => c.feature === 'origin_late_rate')
    expect(own.map((c) => c.check).sort()).toEqual([
      'single_feature_power',
      'target_association',
      'target_name',
      'time_travel',
    ])
    for (const c of own) expect(c.status, c.message).toBe('pass')
    expect(find(report, 'ablation', 'origin_late_rate')).toEqual([])
  })

  it('summarizes: fail, naming the leaky feature only', () => {
    expect(report.summary.status).toBe('fail')
    expect(report.summary.failedFeatures).toEqual(['origin_late_rate_leaky'])
    expect(report.summary.warnedFeatures).toEqual([])
    const total = Object.values(report.summary.counts).reduce((s, v) => s + v, 0)
    expect(total).toBe(report.checks.length)
    expect(report.summary.rows.probeTrain).toBe(split.train.length)
    expect(report.summary.notes[0]).toMatch(/seeded sample/)
    expect(find(report, 'pipeline_fit_scope')[0]!.status).toBe('pass')
    // Contract roles: the id is not compared for duplicates, the timestamp is.
    const dup = find(report, 'duplicates_exact')[0]!
    expect(dup.evidence['columns']).not.toContain('flight_id')
    expect(dup.evidence['columns']).toContain('date')
  })

  it('is plain JSON data and the same for the same seed', () => {
    expect(JSON.parse(JSON.stringify(report))).toEqual(report)
    const again = leakageReport({
      frame,
      contract,
      split,
      splitKind: 'time',
      task: 'binary',
      rng: createRng(42),
      availability: {
        origin_late_rate_leaky: { column: 'origin_late_rate_leaky_at' },
        origin_late_rate: { column: 'origin_late_rate_at' },
      },
      pipelineFit: { rows: split.train },
    })
    expect(again).toEqual(report)
  })

  it('samples the probes and says so', () => {
    const small = leakageReport({
      frame,
      contract,
      split,
      task: 'binary',
      rng: createRng(1),
      options: { probeRows: 500 },
    })
    expect(small.summary.rows.probeTrain).toBe(500)
    expect(small.summary.rows.probeValidation).toBe(500)
    expect(small.summary.notes[0]).toContain('500 train and 500 validation rows')
  })
})

describe('leakageReport input', () => {
  const { frame, split } = demo()
  const base = { frame, split, task: 'binary' as const, rng: createRng(1), label: 'late' }

  it('encodes a categorical label by sorted value, the second being positive', () => {
    const late = frame.numeric('late')
    const answer = categoricalColumn(Array.from(late, (v) => (v ? 'yes' : 'no')))
    const features = ['hour', 'distance']
    const fromCategories = leakageReport({
      ...base,
      frame: frame.withColumns({ answer }),
      label: 'answer',
      features,
    })
    const fromNumbers = leakageReport({ ...base, features })
    const shift = (r: LeakageReport) => r.checks.find((c) => c.check === 'label_shift')!.evidence
    expect(shift(fromCategories)).toEqual(shift(fromNumbers))
    expect(() =>
      leakageReport({ ...base, y: Float64Array.from(late, (v) => v * 2), features }),
    ).toThrow(/binary y/)
  })

  it('rejects overlapping or out-of-range splits and unknown columns', () => {
    expect(() => leakageReport({ ...base, split: { ...split, test: Int32Array.of(0) } })).toThrow(
      /more than one split/,
    )
    expect(() => leakageReport({ ...base, split: { ...split, test: Int32Array.of(1e9) } })).toThrow(
      /outside/,
    )
    expect(() => leakageReport({ ...base, label: 'nope' })).toThrow(/label column/)
    expect(() => leakageReport({ ...base, features: ['nope'] })).toThrow(/feature column/)
    const { label: _, ...unlabelled } = base
    expect(() => leakageReport(unlabelled)).toThrow(/needs the label/)
    expect(() => leakageReport({ ...base, y: new Float64Array(2) })).toThrow(/y has 2 values/)
  })
})
