import { KeelError } from '../errors/index.js'
import type { LeakageContext } from './context.js'
import type { FeatureAvailability, LeakageCheck } from './types.js'

const SAMPLE_ROWS = 5

/**
 * Time travel: a feature whose value is known only after the row's prediction time (an aggregate
 * that counts flights which had not landed yet, a balance updated after the transaction). Needs a
 * declaration per feature (see `FeatureAvailability`); features without one are listed, not judged,
 * because no statistic can tell a legitimately strong feature from a leaked one without it.
 */
export const timeTravelChecks = (
  ctx: LeakageContext,
  availability: Readonly<Record<string, FeatureAvailability>>,
): LeakageCheck[] => {
  const checks: LeakageCheck[] = []
  const declared = Object.keys(availability)
  const unknown = declared.filter((f) => !ctx.frame.has(f))
  if (unknown.length > 0) {
    throw new KeelError(
      'SCHEMA_MISMATCH',
      `availability declared for unknown columns: ${unknown.join(', ')}`,
      {
        path: ['availability'],
      },
    )
  }
  const time = ctx.timestamp === undefined ? undefined : ctx.frame.numeric(ctx.timestamp)
  for (const feature of declared) {
    const decl = availability[feature]!
    if ('offsetMs' in decl) {
      checks.push(offsetCheck(feature, decl.offsetMs, ctx))
      continue
    }
    if (!time) {
      checks.push({
        check: 'time_travel',
        status: 'skip',
        feature,
        severity: 'high',
        message: `"${feature}" is declared available at column "${decl.column}", but there is no prediction time (timestamp role) to compare it with`,
        evidence: { declared: decl },
      })
      continue
    }
    const at = ctx.frame.column(decl.column)
    if (at.kind !== 'timestamp' && at.kind !== 'numeric') {
      throw new KeelError(
        'SCHEMA_MISMATCH',
        `availability column "${decl.column}" must be a timestamp`,
        {
          path: ['availability', feature],
        },
      )
    }
    checks.push(columnCheck(feature, decl.column, at.values, time, ctx))
  }
  const undeclared = ctx.features.filter((f) => !(f in availability))
  if (undeclared.length > 0) {
    checks.push({
      check: 'time_travel',
      status: 'skip',
      severity: 'high',
      message: `${undeclared.length} feature(s) have no availability declaration, so time travel cannot be checked for them: ${undeclared.slice(0, 8).join(', ')}${undeclared.length > 8 ? ', …' : ''}`,
      evidence: { undeclared },
    })
  }
  return checks
}

const offsetCheck = (feature: string, offsetMs: number, ctx: LeakageContext): LeakageCheck => {
  const late = offsetMs > 0
  return {
    check: 'time_travel',
    status: late ? 'fail' : 'pass',
    feature,
    severity: 'high',
    message: late
      ? `"${feature}" is declared known ${formatDuration(offsetMs)} after prediction time: it cannot be served and its offline score is inflated`
      : `"${feature}" is declared known ${offsetMs === 0 ? 'at' : `${formatDuration(-offsetMs)} before`} prediction time`,
    evidence: { declared: { offsetMs }, rows: ctx.frame.numRows, violatingShare: late ? 1 : 0 },
  }
}

const columnCheck = (
  feature: string,
  column: string,
  known: Float64Array,
  time: Float64Array,
  ctx: LeakageContext,
): LeakageCheck => {
  let violating = 0
  let compared = 0
  let maxLead = 0
  const sample: { row: number; predictionTime: number; availableAt: number }[] = []
  for (let i = 0; i < time.length; i++) {
    const a = known[i]!
    const t = time[i]!
    if (a !== a || t !== t) continue
    compared++
    if (a > t) {
      violating++
      if (a - t > maxLead) maxLead = a - t
      if (sample.length < SAMPLE_ROWS) sample.push({ row: i, predictionTime: t, availableAt: a })
    }
  }
  const share = compared > 0 ? violating / compared : 0
  const bad = violating > 0 && share > ctx.options.timeTravelTolerance
  return {
    check: 'time_travel',
    status: bad ? 'fail' : compared === 0 ? 'skip' : 'pass',
    feature,
    severity: 'high',
    message: bad
      ? `"${feature}" is known after prediction time in ${violating} of ${compared} rows (${(100 * share).toFixed(1)}%, up to ${formatDuration(maxLead)} late): it uses information from the future`
      : compared === 0
        ? `"${feature}": no row has both a prediction time and an availability time`
        : `"${feature}" is known at or before prediction time in every row`,
    evidence: {
      declared: { column },
      comparedRows: compared,
      violatingRows: violating,
      violatingShare: share,
      maxLeadMs: maxLead,
      sample,
    },
  }
}

/** A duration for people: `90 s`, `2.5 h`, `3 d`. */
const formatDuration = (ms: number): string => {
  const s = ms / 1000
  if (s < 120) return `${+s.toFixed(1)} s`
  if (s < 7200) return `${+(s / 60).toFixed(1)} min`
  if (s < 172_800) return `${+(s / 3600).toFixed(1)} h`
  return `${+(s / 86_400).toFixed(1)} d`
}
