import {
  createRng,
  leakageReport,
  leakyGroupRate,
  pointInTimeGroupRate,
  type Frame,
  type LeakageCheck,
} from '@keel/core'

/** What the leakage guard said about the two airport late-rate features. */
export interface LeakageShowcase {
  readonly leaky: readonly LeakageCheck[]
  readonly pointInTime: readonly LeakageCheck[]
}

const HOUR = 3_600_000

/**
 * The book's classic leak, on the real flights: an origin airport's late rate. Computed over the
 * whole hour a flight departs in, it includes flights that had not landed yet at departure time
 * (time travel); computed point in time — only flights that departed in the 6 hours before and
 * whose labels were known (2 h after departure) — it is honest. The leakage report must flag the
 * first and pass the second.
 */
export const leakageShowcase = (
  frame: Frame,
  split: { train: Int32Array; validation: Int32Array; test: Int32Array },
  seed: number,
): LeakageShowcase => {
  const leaky = leakyGroupRate(frame, {
    group: 'origin',
    label: 'late',
    time: 'date',
    period: 'utc-hour',
  })
  const pit = pointInTimeGroupRate(frame, {
    group: 'origin',
    label: 'late',
    time: 'date',
    windowMs: 6 * HOUR,
    labelDelayMs: 2 * HOUR,
  })
  const withRates = frame.withColumns({
    origin_late_rate_leaky: leaky.rate,
    origin_late_rate_leaky_at: leaky.availableAt,
    origin_late_rate: pit.rate,
    origin_late_rate_at: pit.availableAt,
  })
  const report = leakageReport({
    frame: withRates,
    split,
    splitKind: 'time',
    label: 'late',
    task: 'binary',
    rng: createRng(seed).fork('leakage-showcase'),
    features: ['origin_late_rate_leaky', 'origin_late_rate'],
    timestamp: 'date',
    availability: {
      origin_late_rate_leaky: { column: 'origin_late_rate_leaky_at' },
      origin_late_rate: { column: 'origin_late_rate_at' },
    },
    pipelineFit: { trainOnly: true },
  })
  const about = (f: string): LeakageCheck[] => report.checks.filter((c) => c.feature === f)
  return { leaky: about('origin_late_rate_leaky'), pointInTime: about('origin_late_rate') }
}
