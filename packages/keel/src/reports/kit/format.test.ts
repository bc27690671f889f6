import { describe, expect, it } from 'vitest'
import {
  fmtCompact,
  fmtCompactPercent,
  fmtDate,
  fmtDuration,
  fmtInterval,
  fmtNumber,
  fmtP,
  fmtPercent,
  fmtSignificant,
} from './format.js'

describe('report number formatting', () => {
  it('formats numbers for tables', () => {
    expect([
      fmtNumber(null),
      fmtNumber(NaN),
      fmtNumber(0),
      fmtNumber(0.123456),
      fmtNumber(12.3456),
      fmtNumber(1234),
      fmtNumber(2e-5),
    ]).toEqual(['—', '—', '0', '0.1235', '12.35', '1,234', '2.00e-5'])
    expect([fmtNumber(Infinity), fmtNumber(0.1), fmtNumber(0.123456, 3)]).toEqual([
      '—',
      '0.1000',
      '0.123',
    ])
  })

  it('formats numbers for running text', () => {
    expect([
      fmtCompact(undefined),
      fmtCompact(NaN),
      fmtCompact(Infinity),
      fmtCompact(-Infinity),
      fmtCompact(0),
      fmtCompact(0.1),
      fmtCompact(1 / 3),
      fmtCompact(1234),
      fmtCompact(2e-5),
      fmtCompact(3e7),
    ]).toEqual(['—', '—', '∞', '−∞', '0', '0.1', '0.333', '1234', '2.00e-5', '3.00e+7'])
  })

  it('formats axis labels', () => {
    expect([
      fmtSignificant(0),
      fmtSignificant(0.30000000000000004),
      fmtSignificant(1234.5),
      fmtSignificant(2e-5),
      fmtSignificant(3e7),
    ]).toEqual(['0', '0.3', '1230', '2.0e-5', '3.0e+7'])
  })

  it('formats shares, intervals and p-values', () => {
    expect([fmtPercent(0.5), fmtPercent(0.1234, 0), fmtPercent(null)]).toEqual([
      '50.0%',
      '12%',
      '—',
    ])
    expect([fmtCompactPercent(0.5), fmtCompactPercent(0.125), fmtCompactPercent(NaN)]).toEqual([
      '50%',
      '12.5%',
      '—',
    ])
    expect(fmtInterval(0.1, 0.25)).toBe('[0.1000, 0.2500]')
    expect(fmtInterval(0.1, 0.25, fmtCompact)).toBe('[0.1, 0.25]')
    expect(fmtInterval(null, 1)).toBe('')
    expect([fmtP(0.0001), fmtP(0.04321), fmtP(undefined)]).toEqual(['< 0.001', '0.043', '—'])
  })

  it('formats dates and durations', () => {
    expect(fmtDate(Date.UTC(2024, 1, 29, 23, 59))).toBe('2024-02-29')
    expect([
      fmtDuration(250.4),
      fmtDuration(1500),
      fmtDuration(90 * 60_000),
      fmtDuration(7 * 86_400_000),
      fmtDuration(null),
    ]).toEqual(['250ms', '1.5s', '1.5h', '1w', '—'])
  })
})
