import { describe, expect, it } from 'vitest'
import {
  buildReferenceProfile,
  correctDriftPValues,
  Frame,
  type FeatureDriftReport,
  type InputField,
} from '@keel/core'
import { parseMonitoringConfig } from './monitor-windows.js'
import {
  correctWindowFamilies,
  driftOptions,
  ksCriticalD,
  monitoredFeatures,
  type FeatureDriftWindow,
  type SeriesDriftWindow,
} from './drift.js'

describe('ksCriticalD', () => {
  it('matches the textbook asymptotic critical values', () => {
    // D_crit = 1.358 √((n+m)/(nm)) at α = 0.05: 0.061, 0.019 and 0.006 at n = m = 1e3, 1e4, 1e5.
    expect(ksCriticalD(0.05, 1000, 1000)).toBeCloseTo(0.0607, 4)
    expect(ksCriticalD(0.05, 10_000, 10_000)).toBeCloseTo(0.0192, 4)
    expect(ksCriticalD(0.05, 100_000, 100_000)).toBeCloseTo(0.00607, 5)
  })
})

describe('monitoredFeatures', () => {
  it('tests profiled inputs, and says why timestamps and non-inputs are left out', () => {
    const frame = Frame.fromRows(
      [
        { a: 1, t: 0, extra: 'x' },
        { a: 2, t: 1, extra: 'y' },
      ],
      { a: 'numeric', t: 'timestamp', extra: 'categorical' },
    )
    const inputs: InputField[] = [
      { name: 'a', kind: 'numeric', nullable: false },
      { name: 't', kind: 'timestamp', nullable: false },
    ]
    const r = monitoredFeatures(buildReferenceProfile(frame), inputs)
    expect(Object.keys(r.monitored)).toEqual(['a'])
    expect(r.skippedFeatures.map((s) => s.feature)).toEqual(['t', 'extra'])
    expect(monitoredFeatures(null, inputs)).toEqual({ monitored: {}, skippedFeatures: [] })
  })
})

describe('driftOptions', () => {
  it('uses PSI for every feature when drift.psi is set, the driftReport defaults otherwise', () => {
    expect(driftOptions(parseMonitoringConfig({ drift: { psi: 0.2 } }))).toEqual({
      alpha: 0.05,
      correction: 'fdr_bh',
      numericEffect: { metric: 'psi', threshold: 0.2 },
      categoricalEffect: { metric: 'psi', threshold: 0.2 },
    })
    expect(driftOptions(parseMonitoringConfig({}))).toEqual({ alpha: 0.05, correction: 'fdr_bh' })
  })
})

describe('correctWindowFamilies', () => {
  const item = (feature: string, pValue: number, effect: number): FeatureDriftReport =>
    ({
      feature,
      pValue,
      adjustedPValue: pValue,
      significant: pValue < 0.05,
      drifted: pValue < 0.05 && effect >= 0.1,
      effect: { metric: 'psi', value: effect, threshold: 0.1 },
      statistics: {} as FeatureDriftReport['statistics'],
    }) as FeatureDriftReport

  it('corrects the features, the output and the labels of a window as one family', () => {
    const features: FeatureDriftWindow[] = [
      {
        window: 0,
        status: 'tested',
        rows: 100,
        report: {
          features: [item('a', 0.001, 0.5), item('b', 0.2, 0.3)],
          driftedFeatures: ['a'],
          skipped: [],
          alpha: 0.05,
          correction: 'fdr_bh',
          note: '',
        },
      },
    ]
    // Alone, the output's p = 0.04 would count as drift; in a family of four it does not.
    const output: SeriesDriftWindow[] = [
      { window: 0, status: 'tested', rows: 100, result: item('output', 0.04, 0.2) },
    ]
    const labels: SeriesDriftWindow[] = [
      { window: 0, status: 'tested', rows: 100, result: item('label', 0.03, 0.2) },
    ]
    const config = parseMonitoringConfig({})
    const r = correctWindowFamilies(features, output, labels, config)
    const expected = correctDriftPValues([0.001, 0.2, 0.04, 0.03], 'fdr_bh', 0.05)
    expect(r.features[0]!.report!.features.map((f) => f.adjustedPValue)).toEqual(
      expected.adjusted.slice(0, 2),
    )
    expect(r.features[0]!.report!.driftedFeatures).toEqual(['a'])
    expect(r.output[0]!.result!.adjustedPValue).toBe(expected.adjusted[2])
    expect(r.output[0]!.result!.drifted).toBe(expected.reject[2])
    expect(r.labels[0]!.result!.adjustedPValue).toBe(expected.adjusted[3])
    expect(expected.reject).toEqual([true, false, false, false])
  })
})
