import { Counter, type Registry } from 'prom-client'
import {
  checkInputRows,
  type FeatureReferenceProfile,
  type InputField,
  type InputLimits,
  type Issue,
  type ModelBundle,
} from '@keel/core'
import { parseMonitoringReference } from '../../monitoring/reference.js'
import type { HostedBundle } from '../model-host.js'
import type { PredictInput } from './parse-body.js'
import { invalidRequest, rowIssuePaths } from './request-issues.js'
import type { CheckedRows } from './run-bundle.js'

/**
 * What the server does with a missing input value (an absent field or `null`):
 *
 * - `impute` (default): the row is answered, with a `missing_value` warning. A feature that had
 *   missing values in training is passed on as missing (the fitted pipeline or model handles it as
 *   it did in training); any other is filled with its training statistic from the bundle's
 *   monitoring reference: the mean for numbers and timestamps (as Keel's `impute` step and
 *   scikit-learn's `SimpleImputer` default), the most frequent value for booleans, categories and
 *   text. A bundle without a reference has no statistic: such a value is refused (422).
 * - `reject`: any missing value is refused (422), whether or not training had missing values.
 */
export type MissingFeaturePolicy = 'impute' | 'reject'

/** The missing-feature policies, default first. */
export const MISSING_FEATURE_POLICIES: readonly MissingFeaturePolicy[] = ['impute', 'reject']

/** A statistic to fill a missing value with, as the JSON value a client would have sent. */
type Fill = number | string | boolean

/** What serving checks a bundle's inputs against, beyond their kinds: derived once per bundle. */
interface ServingField {
  readonly field: InputField
  /** Training had missing values here: a missing value goes to the pipeline as missing. */
  readonly trainedMissing: boolean
  /** The categories of the training rows (categorical fields). */
  readonly seen?: ReadonlySet<string>
  /** The training rows' range (numeric fields). */
  readonly range?: readonly [number, number]
  readonly fill?: Fill
}

interface ServingContract {
  /** The pinned fields with every one nullable: missing values are this module's to judge. */
  readonly relaxed: readonly InputField[]
  readonly fields: readonly ServingField[]
}

const mostFrequent = (p: FeatureReferenceProfile): string | undefined => {
  if (p.kind !== 'categorical' || p.categories.length === 0) return undefined
  let best = 0
  // Ties go to the first category in the profile's (sorted) order, so the fill is deterministic.
  for (let k = 1; k < p.counts.length; k++) if (p.counts[k]! > p.counts[best]!) best = k
  return p.categories[best]
}

const fillOf = (field: InputField, p: FeatureReferenceProfile | undefined): Fill | undefined => {
  if (!p) return undefined
  if (p.kind === 'categorical') return mostFrequent(p)
  if (p.count === 0 || !Number.isFinite(p.mean)) return undefined
  switch (field.kind) {
    case 'numeric':
      return p.mean
    case 'timestamp':
      return Math.round(p.mean)
    case 'boolean':
      // Booleans are profiled as 0/1: the mean is the share of true, so the majority is mean ≥ ½.
      return p.mean >= 0.5
    case 'categorical':
    case 'text':
      // Profiled as categories (handled above); a numeric profile here does not describe them.
      return undefined
  }
}

/**
 * The serving view of one pinned field. The training rows' categories and statistics come from
 * the bundle's monitoring reference (profiled on the train split only); the pinned `categories`
 * can list every category of the whole dataset (a categorical column keeps its dictionary when
 * split), so they are the fallback only for a bundle without a reference.
 */
const servingField = (field: InputField, p: FeatureReferenceProfile | undefined): ServingField => {
  const trainedMissing = field.nullable || (p !== undefined && p.missing > 0)
  const fill = fillOf(field, p)
  const base = { field, trainedMissing, ...(fill === undefined ? {} : { fill }) }
  if (field.kind === 'categorical') {
    const seen = p?.kind === 'categorical' ? p.categories : field.categories
    return seen ? { ...base, seen: new Set(seen) } : base
  }
  if (field.kind === 'numeric') {
    const range =
      field.range ?? (p?.kind === 'numeric' && p.count > 0 ? ([p.min, p.max] as const) : undefined)
    return range ? { ...base, range } : base
  }
  return base
}

// Bundles are immutable once loaded: one contract per bundle for its life.
const contracts = new WeakMap<ModelBundle, ServingContract>()

const contractOf = (bundle: ModelBundle): ServingContract => {
  let c = contracts.get(bundle)
  if (!c) {
    const profiles = parseMonitoringReference(bundle.reference).features?.features ?? {}
    c = {
      relaxed: bundle.inputs.map((f) => (f.nullable ? f : { ...f, nullable: true })),
      fields: bundle.inputs.map((f) => servingField(f, profiles[f.name])),
    }
    contracts.set(bundle, c)
  }
  return c
}

/** The count of input issues by model, feature, issue and action, on a server's registry. */
const issueCounters = new WeakMap<Registry, Counter<'model' | 'feature' | 'issue' | 'action'>>()

const issueCounter = (registry: Registry): Counter<'model' | 'feature' | 'issue' | 'action'> => {
  let c = issueCounters.get(registry)
  if (!c) {
    c = new Counter({
      name: 'keel_input_issues_total',
      help: 'Input values of predict requests that were missing (imputed, passed on as missing or rejected), outside the training range or of a category unseen in training, by model and feature.',
      labelNames: ['model', 'feature', 'issue', 'action'] as const,
      registers: [registry],
    })
    issueCounters.set(registry, c)
  }
  return c
}

/** What one request's rows raised, before paths into the body are made. */
interface RowFindings {
  readonly warnings: Issue[]
  readonly rejected: Issue[]
  /** Rows with a missing value filled in, by row index. */
  readonly filled: Map<number, Record<string, unknown>>
  readonly counts: Map<string, number>
}

const MAX_LISTED = 100

const fmt = (v: number): string => (Number.isInteger(v) ? String(v) : v.toPrecision(6))

/** Judge one missing value under the policy. */
const missingValue = (
  f: ServingField,
  r: number,
  row: Record<string, unknown>,
  policy: MissingFeaturePolicy,
  out: RowFindings,
): string => {
  const { name } = f.field
  const path = [r, name]
  if (policy === 'reject') {
    out.rejected.push({
      code: 'missing_value',
      path,
      message: `"${name}" is missing, and this server rejects missing features`,
    })
    return 'rejected'
  }
  if (f.trainedMissing) {
    out.warnings.push({
      code: 'missing_value',
      path,
      message: `"${name}" is missing; the model had missing values here in training and handles it as it did then`,
    })
    return 'passed'
  }
  if (f.fill === undefined) {
    out.rejected.push({
      code: 'missing_value',
      path,
      message: `"${name}" is missing, and the bundle records no training statistic to impute it with`,
    })
    return 'rejected'
  }
  out.filled.set(r, { ...(out.filled.get(r) ?? row), [name]: f.fill })
  out.warnings.push({
    code: 'missing_value',
    path,
    message: `"${name}" is missing and was imputed with its training ${typeof f.fill === 'number' ? 'mean' : 'most frequent value'} ${typeof f.fill === 'number' ? fmt(f.fill) : JSON.stringify(f.fill)}`,
    details: { imputed: f.fill },
  })
  return 'imputed'
}

/** Judge one present value: outside the training range, or a category unseen in training. */
const presentValue = (f: ServingField, r: number, v: unknown, out: RowFindings): string | null => {
  const { name } = f.field
  if (f.range && typeof v === 'number' && (v < f.range[0] || v > f.range[1])) {
    out.warnings.push({
      code: 'out_of_range',
      path: [r, name],
      message: `${fmt(v)} is outside the training range [${fmt(f.range[0])}, ${fmt(f.range[1])}] of "${name}"`,
      details: { value: v, range: f.range },
    })
    return 'out_of_range'
  }
  if (f.seen && typeof v === 'string' && !f.seen.has(v)) {
    out.warnings.push({
      code: 'unseen_category',
      path: [r, name],
      message: `"${v.slice(0, 100)}" was not seen in training for "${name}"`,
    })
    return 'unseen_category'
  }
  return null
}

const judgeRows = (
  contract: ServingContract,
  rows: readonly unknown[],
  policy: MissingFeaturePolicy,
  refused: ReadonlySet<number>,
): RowFindings => {
  const out: RowFindings = { warnings: [], rejected: [], filled: new Map(), counts: new Map() }
  const count = (name: string, issue: string, action: string): void => {
    const key = `${name}\u0000${issue}\u0000${action}`
    out.counts.set(key, (out.counts.get(key) ?? 0) + 1)
  }
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as Record<string, unknown>
    // A row the contract check refused whole (not an object, too many fields) is its to report.
    if (refused.has(r)) continue
    for (const f of contract.fields) {
      const v = row[f.field.name]
      if (v === null || v === undefined) {
        count(f.field.name, 'missing_value', missingValue(f, r, row, policy, out))
        continue
      }
      const issue = presentValue(f, r, v, out)
      if (issue) count(f.field.name, issue, 'warned')
    }
  }
  return out
}

/** Issues by row, then by the bundle's field order (as the contract check lists them), at most 100. */
const inRowOrder = (contract: ServingContract, issues: Issue[]): Issue[] => {
  const position = new Map(contract.fields.map((f, i) => [f.field.name, i]))
  const key = (i: Issue): [number, number] => [
    typeof i.path[0] === 'number' ? i.path[0] : -1,
    typeof i.path[1] === 'string' ? (position.get(i.path[1]) ?? -1) : -1,
  ]
  return issues
    .map((i) => ({ i, k: key(i) }))
    .sort((a, b) => a.k[0] - b.k[0] || a.k[1] - b.k[1])
    .slice(0, MAX_LISTED)
    .map(({ i }) => i)
}

/**
 * Check a request's rows against the served bundle: the pinned contract (`checkInputRows`: kinds,
 * limits, unknown fields), then the serving policy — missing values per the
 * {@link MissingFeaturePolicy}, numbers outside the training range and categories not seen in the
 * training rows as warnings. Every finding on a known feature is counted in
 * `keel_input_issues_total`. Refused rows are `VALIDATION_FAILED` (422) with paths into the body;
 * the request's own rows are never changed (the prediction log keeps what the client sent).
 */
export const checkServedRows = (
  hosted: HostedBundle,
  input: PredictInput,
  limits: InputLimits,
  policy: MissingFeaturePolicy,
  registry?: Registry,
): CheckedRows => {
  const contract = contractOf(hosted.bundle)
  const shape = checkInputRows(input.rows, contract.relaxed, limits)
  const refused = new Set<number>()
  let whole = false // the contract check refused the request before reading its rows
  if (!shape.ok)
    for (const i of shape.issues) {
      if (i.path.length === 0) whole = true
      else if (i.path.length === 1 && typeof i.path[0] === 'number') refused.add(i.path[0])
    }
  const found = whole ? null : judgeRows(contract, input.rows, policy, refused)
  if (found && registry) {
    const counter = issueCounter(registry)
    for (const [key, n] of found.counts) {
      const [feature, issue, action] = key.split('\u0000') as [string, string, string]
      counter.labels(hosted.model, feature, issue, action).inc(n)
    }
  }
  if (!shape.ok || !found || found.rejected.length > 0) {
    const issues = shape.ok ? [] : shape.issues
    throw invalidRequest(
      rowIssuePaths(inRowOrder(contract, [...issues, ...(found?.rejected ?? [])]), input.single),
    )
  }
  // The core judged unseen categories against the pinned list; the training rows' list replaces it.
  const warnings = [
    ...shape.warnings.filter((w) => w.code !== 'unseen_category'),
    ...found.warnings,
  ].slice(0, MAX_LISTED)
  if (found.filled.size === 0) return { frame: shape.frame, warnings }
  const rows = input.rows.map((row, r) => found.filled.get(r) ?? row)
  const filled = checkInputRows(rows, contract.relaxed, limits)
  // The fills are values of the pinned kinds, so the second check cannot fail.
  if (!filled.ok) throw invalidRequest(rowIssuePaths(filled.issues, input.single))
  return { frame: filled.frame, warnings }
}
