import { describe, expect, it } from 'vitest'
import {
  Frame,
  categoricalColumn,
  numericColumn,
  textColumn,
  timestampColumn,
} from '../frame/index.js'
import { createRng } from '../random/index.js'
import { leakageReport } from './report.js'
import { targetNameReason } from './target-derived.js'
import type { LeakageCheck, LeakageReport, LeakageReportInput } from './types.js'

const T0 = Date.UTC(2001, 0, 1)
const H = 3_600_000

/** n rows in time order: two informative-ish features, a user id (group), a 0/1 label. */
const table = (n: number, seed = 1) => {
  const rng = createRng(seed)
  const x = new Float64Array(n)
  const z = new Float64Array(n)
  const user: string[] = []
  const late = new Float64Array(n)
  const t = new Float64Array(n)
  const delay = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    x[i] = rng.normal()
    z[i] = rng.normal()
    user.push(`u${rng.int(40)}`)
    delay[i] = Math.round(30 * rng.normal() + 10 * x[i]!)
    late[i] = delay[i]! > 15 ? 1 : 0
    t[i] = T0 + i * H
  }
  return Frame.fromColumns({
    date: timestampColumn(t),
    x: numericColumn(x),
    z: numericColumn(z),
    user: categoricalColumn(user),
    delay: numericColumn(delay),
    late: numericColumn(late),
  })
}

const split = (n: number) => {
  const a = Math.round(n * 0.6)
  const b = Math.round(n * 0.8)
  const r = (s: number, e: number) => Int32Array.from({ length: e - s }, (_, i) => s + i)
  return { train: r(0, a), validation: r(a, b), test: r(b, n) }
}

const run = (frame: Frame, extra: Partial<LeakageReportInput> = {}): LeakageReport =>
  leakageReport({
    frame,
    split: split(frame.numRows),
    label: 'late',
    task: 'binary',
    rng: createRng(3),
    timestamp: 'date',
    features: ['x', 'z'],
    ...extra,
  })

const only = (r: LeakageReport, check: LeakageCheck['check'], feature?: string): LeakageCheck => {
  const found = r.checks.filter(
    (c) => c.check === check && (feature === undefined || c.feature === feature),
  )
  expect(found).toHaveLength(1)
  return found[0]!
}

describe('time travel', () => {
  const f = table(300)
  const known = timestampColumn(
    Float64Array.from(f.numeric('date'), (t, i) => (i % 10 === 0 ? t + 2 * H : t - H)),
  )
  const g = f.withColumns({ x_known_at: known })

  it('fails a feature known after prediction time, by column or by offset', () => {
    const r = run(g, {
      availability: { x: { column: 'x_known_at' }, z: { offsetMs: 30 * 60_000 } },
    })
    const x = only(r, 'time_travel', 'x')
    expect(x.status).toBe('fail')
    expect(x.evidence['violatingRows']).toBe(30)
    expect(x.evidence['maxLeadMs']).toBe(2 * H)
    expect(only(r, 'time_travel', 'z').status).toBe('fail')
  })

  it('passes within the tolerance, and passes features known before', () => {
    const r = run(g, {
      availability: { x: { column: 'x_known_at' }, z: { offsetMs: -60_000 } },
      options: { timeTravelTolerance: 0.2 },
    })
    expect(only(r, 'time_travel', 'x').status).toBe('pass')
    expect(only(r, 'time_travel', 'z').status).toBe('pass')
  })

  it('skips without a prediction time or a declaration, and rejects unknown columns', () => {
    const r = leakageReport({
      frame: g,
      split: split(300),
      label: 'late',
      task: 'binary',
      rng: createRng(1),
      features: ['x', 'z'],
      availability: { x: { column: 'x_known_at' } },
    })
    expect(only(r, 'time_travel', 'x').status).toBe('skip')
    const undeclared = r.checks.find((c) => c.check === 'time_travel' && c.feature === undefined)!
    expect(undeclared.status).toBe('skip')
    expect(undeclared.evidence['undeclared']).toEqual(['z'])
    expect(() => run(g, { availability: { nope: { offsetMs: 0 } } })).toThrow(/unknown columns/)
  })
})

describe('duplicates and groups', () => {
  const f = table(400)
  const s = split(400)

  it('fails exact copies of train rows in test, warns on a few, passes none', () => {
    const copies = Frame.concat([f, f.take(Int32Array.from({ length: 20 }, (_, i) => i))])
    const withCopies = {
      ...s,
      test: Int32Array.from([...s.test, ...Array.from({ length: 20 }, (_, i) => 400 + i)]),
    }
    const r = run(copies, { split: withCopies })
    const c = only(r, 'duplicates_exact')
    expect(c.status).toBe('fail')
    expect(c.evidence['leakedRows']).toEqual({ validation: 0, test: 20 })
    const few = run(copies, { split: withCopies, options: { duplicateFailShare: 0.5 } })
    expect(only(few, 'duplicates_exact').status).toBe('warn')
    expect(only(run(f), 'duplicates_exact').status).toBe('pass')
  })

  it('warns on near copies (rounded numbers, the same minute) that exact matching misses', () => {
    const src = f.take(Int32Array.from({ length: 20 }, (_, i) => i))
    const nudged = src.withColumns({
      x: numericColumn(src.numeric('x').map((v) => v * (1 + 1e-6))),
      date: timestampColumn(src.numeric('date').map((v) => v + 1000)),
    })
    const both = Frame.concat([f, nudged])
    const sp = {
      ...s,
      test: Int32Array.from([...s.test, ...Array.from({ length: 20 }, (_, i) => 400 + i)]),
    }
    const r = run(both, { split: sp })
    expect(only(r, 'duplicates_exact').status).toBe('pass')
    const near = only(r, 'duplicates_near')
    expect(near.status).toBe('warn')
    expect(near.evidence['leakedRows']).toEqual({ validation: 0, test: 20 })
    // Ignoring the nudged columns is the caller's choice; a coarser rounding also catches them.
    expect(
      only(run(both, { split: sp, options: { nearWarnShare: 0.5 } }), 'duplicates_near').status,
    ).toBe('pass')
  })

  it('fails a group with rows on both sides of the split, passes a group split', () => {
    const r = run(f, { group: 'user' })
    const c = only(r, 'group_overlap')
    expect(c.status).toBe('fail')
    expect(c.evidence['sharedGroups']).toBeGreaterThan(0)
    const users = f.categorical('user')
    const byGroup = { train: [] as number[], validation: [] as number[], test: [] as number[] }
    users.codes.forEach((k, i) => {
      const u = Number(users.dictionary[k]!.slice(1))
      ;(u < 24 ? byGroup.train : u < 32 ? byGroup.validation : byGroup.test).push(i)
    })
    const g = run(f, { group: 'user', split: byGroup })
    expect(only(g, 'group_overlap').status).toBe('pass')
    expect(only(run(f), 'group_overlap').status).toBe('skip')
  })
})

describe('pipeline fit scope', () => {
  const f = table(200)
  const s = split(200)
  it('fails statistics fitted on held-out rows, by index, by content or by flag', () => {
    expect(
      only(
        run(f, { pipelineFit: { rows: Int32Array.from({ length: 200 }, (_, i) => i) } }),
        'pipeline_fit_scope',
      ).status,
    ).toBe('fail')
    expect(only(run(f, { pipelineFit: { rows: s.train } }), 'pipeline_fit_scope').status).toBe(
      'pass',
    )
    const full = only(
      run(f, { pipelineFit: { frame: f.select(['x', 'z']) } }),
      'pipeline_fit_scope',
    )
    expect(full.status).toBe('fail')
    expect(full.evidence['heldOutRows']).toBe(80)
    expect(
      only(run(f, { pipelineFit: { frame: f.take(s.train) } }), 'pipeline_fit_scope').status,
    ).toBe('pass')
    expect(only(run(f, { pipelineFit: { trainOnly: false } }), 'pipeline_fit_scope').status).toBe(
      'fail',
    )
    expect(only(run(f), 'pipeline_fit_scope').status).toBe('skip')
  })
})

describe('single-feature power and ablation', () => {
  const f = table(1500)
  it('fails an implausibly strong feature and ablates it', () => {
    const r = run(f, { features: ['x', 'z', 'delay'] })
    expect(only(r, 'single_feature_power', 'delay').status).toBe('fail')
    expect(only(r, 'single_feature_power', 'z').status).toBe('pass')
    const a = only(r, 'ablation', 'delay')
    expect(a.evidence['drop']).toBeGreaterThan(0.1)
    expect(a.status).toBe('warn')
  })

  it('asks to review a strong genuine feature instead of failing it', () => {
    // "radius" drives the label with noise (a diagnostic measurement): alone it reaches AUC ≈ 0.97,
    // but it is no copy of the label (association ≈ 0.98 < 0.99) and nothing says it is known late.
    const rng = createRng(8)
    const n = 1500
    const radius = Float64Array.from({ length: n }, () => rng.normal())
    const label = Float64Array.from(radius, (r) => (r + 0.3 * rng.normal() > 0 ? 1 : 0))
    const g = f.withColumns({ radius: numericColumn(radius), late: numericColumn(label) })
    const r = run(g, { features: ['radius', 'z'] })
    const c = only(r, 'single_feature_power', 'radius')
    expect(c.evidence['score']).toBeGreaterThan(0.95)
    expect(only(r, 'target_association', 'radius').status).toBe('pass')
    expect(c.status).toBe('warn')
    expect(c.evidence['review']).toBe(true)
    expect(c.message).toMatch(/^review: .*not leakage by itself/)
    expect(r.summary.failedFeatures).not.toContain('radius')
    // With evidence on the same feature (a near-copy of the label) it fails, and says why.
    const copy = run(f, { features: ['x', 'z', 'delay'] })
    expect(only(copy, 'single_feature_power', 'delay').evidence['corroboratedBy']).toEqual([
      'target_association',
    ])
  })

  it('probes every feature of a multiclass label whose rare classes miss the held-out sample', () => {
    // Five classes, two at ~44 % each and three rare: before, the all-classes AUC was undefined
    // on the held-out sample and every feature was skipped as "single class".
    const rng = createRng(9)
    const n = 600
    const x = Float64Array.from({ length: n }, () => rng.normal())
    const cls = Float64Array.from(x, (v, i) =>
      i % 200 === 7 ? 2 + (i % 3) : v + 0.5 * rng.normal() > 0 ? 1 : 0,
    )
    const g = Frame.fromColumns({
      date: f.take(Int32Array.from({ length: n }, (_, i) => i)).column('date'),
      x: numericColumn(x),
      z: numericColumn(Float64Array.from({ length: n }, () => rng.normal())),
      kind: numericColumn(cls),
    })
    const r = run(g, { label: 'kind', task: 'multiclass', y: cls })
    const x1 = only(r, 'single_feature_power', 'x')
    expect(x1.status).not.toBe('skip')
    expect(x1.evidence['score']).toBeGreaterThan(0.75)
    expect(only(r, 'single_feature_power', 'z').status).toBe('pass')
  })

  it('warns on a feature that alone beats the reference score, and can ablate everything', () => {
    const r = run(f, { options: { referenceScore: 0.55, ablateAll: true } })
    expect(only(r, 'single_feature_power', 'x').status).toBe('warn')
    expect(only(r, 'single_feature_power', 'z').status).toBe('pass')
    expect(only(r, 'ablation', 'z').status).toBe('pass')
    expect(only(r, 'ablation', 'x').status).toBe('warn')
  })

  it('works for regression with R²', () => {
    const r = run(f, { label: 'delay', task: 'regression', features: ['x', 'z', 'late'] })
    const x = only(r, 'single_feature_power', 'x')
    expect(x.evidence['metric']).toBe('r2')
    expect(x.status).toBe('pass')
  })
})

describe('target-derived columns', () => {
  it('flags names built from the label', () => {
    expect(targetNameReason('origin_late_rate', 'late')).toMatch(/label name/)
    expect(targetNameReason('isLate', 'late')).toMatch(/label name/)
    expect(targetNameReason('target_mean', 'late')).toMatch(/starts with/)
    expect(targetNameReason('fraud_label', 'is_fraud')).toMatch(/ends with/)
    expect(targetNameReason('translated', 'late')).toBeNull()
    expect(targetNameReason('label', 'late')).toBeNull()
  })

  it('fails a numeric restatement of the label and a categorical that maps 1:1 to it', () => {
    const f = table(600)
    const status = categoricalColumn(
      Array.from(f.numeric('late'), (v, i) => (v ? `late${i % 3}` : `ok${i % 2}`)),
    )
    const notes = textColumn(Array.from({ length: 600 }, () => 'n/a'))
    const r = run(f.withColumns({ status, notes }), {
      features: ['x', 'delay', 'status', 'user', 'notes'],
    })
    const delay = only(r, 'target_association', 'delay')
    expect(delay.status).toBe('fail')
    expect(delay.evidence['value']).toBe(1)
    expect(only(r, 'target_association', 'status').status).toBe('fail')
    expect(only(r, 'target_association', 'status').evidence['statistic']).toBe('purity')
    expect(only(r, 'target_association', 'user').status).toBe('pass')
    expect(only(r, 'target_association', 'x').status).toBe('pass')
    expect(r.checks.some((c) => c.feature === 'notes' && c.check === 'target_association')).toBe(
      false,
    )
    // A name check warns, unless the feature is declared point-in-time.
    const named = run(f.withColumns({ late_rate: f.column('x') }), { features: ['late_rate'] })
    expect(only(named, 'target_name', 'late_rate').status).toBe('warn')
    const cleared = run(f.withColumns({ late_rate: f.column('x') }), {
      features: ['late_rate'],
      availability: { late_rate: { offsetMs: 0 } },
    })
    expect(only(cleared, 'target_name', 'late_rate').status).toBe('pass')
  })

  it('fails a regression feature almost equal to the target', () => {
    const f = table(500)
    const copy = numericColumn(f.numeric('delay').map((v, i) => v + (i % 2) * 0.01))
    const r = run(f.withColumns({ copy }), {
      label: 'delay',
      task: 'regression',
      features: ['copy', 'x', 'user'],
    })
    expect(only(r, 'target_association', 'copy').status).toBe('fail')
    expect(only(r, 'target_association', 'x').status).toBe('pass')
    expect(only(r, 'target_association', 'user').evidence['statistic']).toBe('eta_squared')
  })
})

describe('label shift', () => {
  it('warns when class rates move between splits, with the time-split remark', () => {
    const f = table(600)
    const late = Float64Array.from(f.numeric('late'), (v, i) => (i >= 360 ? i % 2 : v))
    const r = run(f.withColumns({ late: numericColumn(late) }), { splitKind: 'time' })
    const c = only(r, 'label_shift')
    expect(c.status).toBe('warn')
    expect(c.message).toMatch(/expected with a time split/)
    expect(only(run(table(600)), 'label_shift').status).toBe('pass')
  })

  it('warns on a regression label whose mean moves', () => {
    const f = table(600)
    const delay = Float64Array.from(f.numeric('delay'), (v, i) => (i >= 360 ? v + 30 : v))
    const r = run(f.withColumns({ delay: numericColumn(delay) }), {
      label: 'delay',
      task: 'regression',
    })
    const c = only(r, 'label_shift')
    expect(c.status).toBe('warn')
    expect(c.message).toMatch(/should be distributed alike/)
  })
})
