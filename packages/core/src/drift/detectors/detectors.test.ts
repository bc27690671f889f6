import { readFileSync } from 'node:fs'
import { fc, test as fcTest } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { isKeelError } from '../../errors/index.js'
import { createRng } from '../../random/index.js'
import { createAdwin } from './adwin.js'
import { createDdm } from './ddm.js'
import type { ChangeDetector } from './detector.js'
import { createPageHinkley } from './page-hinkley.js'

interface Streams {
  adwinDoc: { stream: number[]; expected: number[] }
  pageHinkleyDoc: { stream: number[]; expected: number[] }
  adwinFourSegments: { stream: number[]; expected: number[] }
  ddmDoc: { stream: number[]; expectedWarningFirst: number[]; expectedDrift: number[] }
}
const streams = JSON.parse(
  readFileSync(new URL('../../../../../test/fixtures/drift/streams.json', import.meta.url), 'utf8'),
) as Streams

const detections = (d: ChangeDetector, stream: readonly number[]): number[] => {
  const out: number[] = []
  stream.forEach((x, i) => {
    d.update(x)
    if (d.driftDetected) out.push(i)
  })
  return out
}

describe("golden indices from River's documentation", () => {
  it('ADWIN fires at 1023 on the docstring stream (random.Random(12345))', () => {
    expect(detections(createAdwin(), streams.adwinDoc.stream)).toEqual([1023])
  })
  it('ADWIN fires at 1023, 2015, 3007 on the four-segment regression stream', () => {
    expect(detections(createAdwin(), streams.adwinFourSegments.stream)).toEqual([1023, 2015, 3007])
  })
  it('Page–Hinkley fires at 1006 on the docstring stream', () => {
    expect(detections(createPageHinkley(), streams.pageHinkleyDoc.stream)).toEqual([1006])
  })
  it('DDM warns at 1084, drifts at 1334, warns again at 1492 (docstring loop)', () => {
    const ddm = createDdm()
    const warnings: number[] = []
    const drifts: number[] = []
    let printWarning = true
    streams.ddmDoc.stream.forEach((x, i) => {
      ddm.update(x)
      if (ddm.warningDetected && printWarning) {
        warnings.push(i)
        printWarning = false
      }
      if (ddm.driftDetected) {
        drifts.push(i)
        printWarning = true
      }
    })
    expect(warnings).toEqual(streams.ddmDoc.expectedWarningFirst)
    expect(drifts).toEqual(streams.ddmDoc.expectedDrift)
  })
})

const gaussian = (seed: number, n: number, mean: number, sd = 1): number[] => {
  const rng = createRng(seed)
  return Array.from({ length: n }, () => mean + sd * rng.normal())
}

describe('behaviour on seeded streams', () => {
  // A fixed seed makes these deterministic; the bounds are loose enough to hold for any seed with
  // high probability (ADWIN's false-alarm rate is bounded by delta per check).
  it('no detector fires on a stationary stream', () => {
    const stream = gaussian(11, 5000, 0)
    expect(detections(createAdwin(), stream)).toEqual([])
    // Page–Hinkley's threshold is in the stream's units: the default 50 suits low-variance
    // signals such as error rates, and a unit-variance random walk crosses it by chance.
    expect(detections(createPageHinkley(), gaussian(11, 5000, 0, 0.2))).toEqual([])
    expect(detections(createPageHinkley({ threshold: 400 }), stream)).toEqual([])
    const rng = createRng(12)
    const bits = Array.from({ length: 5000 }, () => (rng.float() < 0.2 ? 1 : 0))
    expect(detections(createDdm(), bits)).toEqual([])
  })

  it('detection delay after an abrupt shift is bounded', () => {
    const stream = [...gaussian(21, 2000, 0), ...gaussian(22, 2000, 2)]
    const adwin = detections(createAdwin(), stream)
    expect(adwin.length).toBeGreaterThan(0)
    expect(adwin[0]!).toBeGreaterThanOrEqual(2000)
    expect(adwin[0]! - 2000).toBeLessThan(100) // a 2-sigma shift is seen within ~2 clock ticks
    const quiet = [...gaussian(24, 2000, 0, 0.2), ...gaussian(25, 2000, 1, 0.2)]
    const ph = detections(createPageHinkley(), quiet)
    expect(ph[0]!).toBeGreaterThanOrEqual(2000)
    expect(ph[0]! - 2000).toBeLessThan(80) // threshold 50 / shift ~1 = ~50 steps, plus slack
    const rng = createRng(23)
    const bits = Array.from({ length: 4000 }, (_, i) =>
      rng.float() < (i < 2000 ? 0.1 : 0.4) ? 1 : 0,
    )
    const ddm = detections(createDdm(), bits)
    expect(ddm[0]!).toBeGreaterThanOrEqual(2000)
    expect(ddm[0]! - 2000).toBeLessThan(300)
  })

  it('Page–Hinkley modes see only their direction', () => {
    const down = [...gaussian(31, 1000, 5, 0.2), ...gaussian(32, 1000, 0, 0.2)]
    expect(detections(createPageHinkley({ mode: 'up' }), down)).toEqual([])
    expect(detections(createPageHinkley({ mode: 'down' }), down).length).toBeGreaterThan(0)
  })

  it('a detector resets on the update after a drift', () => {
    const adwin = createAdwin({ clock: 1 })
    let i = 0
    for (; i < 400; i++) adwin.update(0)
    for (; i < 800 && !adwin.driftDetected; i++) adwin.update(100)
    expect(adwin.driftDetected).toBe(true)
    adwin.update(50)
    expect(adwin.width).toBe(1)
    expect(adwin.estimation).toBe(50)
  })

  fcTest.prop([fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 300 })])(
    'ADWIN keeps width, total and variance consistent with its window',
    (xs) => {
      const adwin = createAdwin({ clock: 1_000_000 }) // never cuts: the window is the whole stream
      xs.forEach((x) => adwin.update(x))
      expect(adwin.width).toBe(xs.length)
      if (xs.length > 0) {
        const mean = xs.reduce((s, v) => s + v, 0) / xs.length
        expect(adwin.estimation).toBeCloseTo(mean, 3)
        const ss = xs.reduce((s, v) => s + (v - mean) ** 2, 0)
        expect(Math.abs(adwin.variance - ss)).toBeLessThanOrEqual(1e-6 * Math.max(1, ss))
      }
    },
  )

  it('rejects bad parameters and non-finite or non-binary input', () => {
    const code = (f: () => unknown): string | undefined => {
      try {
        f()
      } catch (e) {
        return isKeelError(e) ? e.code : 'not-keel'
      }
      return undefined
    }
    expect(code(() => createAdwin({ delta: 0 }))).toBe('INVALID_ARGUMENT')
    expect(code(() => createPageHinkley({ threshold: -1 }))).toBe('INVALID_ARGUMENT')
    expect(code(() => createAdwin().update(NaN))).toBe('INVALID_DATA')
    expect(code(() => createDdm().update(0.5))).toBe('INVALID_DATA')
  })
})
