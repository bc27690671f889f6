/**
 * Input checks for tracking writes. The bounds follow MLflow's (keys 250 characters, param values
 * 6,000, tag values 8,000) so that anything MLflow accepts, Keel accepts; every violation is
 * reported as an issue, all at once.
 */
import { KeelError, type Issue } from '@keel/core'
import type { CreateRunInput, DatasetInput, MetricInput, ParamValue } from './types.js'

/** Size bounds on tracked values. */
export const TRACKING_LIMITS = {
  maxKeyLength: 250,
  maxParamValueLength: 6000,
  maxTagValueLength: 8000,
  maxNameLength: 500,
  maxFingerprintLength: 200,
} as const

const KEY_PATTERN = /^[A-Za-z0-9_\-./: ]+$/
const ROLES = new Set(['train', 'validation', 'test'])

/** Collects issues and throws them together. */
export class IssueList {
  readonly issues: Issue[] = []
  add(path: readonly (string | number)[], message: string, code = 'invalid'): void {
    this.issues.push({ code, path, message })
  }
  /** Throw INVALID_ARGUMENT listing every issue, if there is any. */
  throwIfAny(what: string): void {
    if (this.issues.length === 0) return
    const first = this.issues[0] as Issue
    const more = this.issues.length > 1 ? ` (and ${this.issues.length - 1} more)` : ''
    throw new KeelError('INVALID_ARGUMENT', `${what}: ${first.message}${more}`, {
      path: first.path,
      issues: this.issues,
    })
  }
}

/** Check a metric, param or tag key. */
export const checkKey = (
  issues: IssueList,
  path: readonly (string | number)[],
  key: string,
): void => {
  if (typeof key !== 'string' || key.length === 0 || key.length > TRACKING_LIMITS.maxKeyLength) {
    issues.add(path, `key must be 1–${TRACKING_LIMITS.maxKeyLength} characters`)
  } else if (!KEY_PATTERN.test(key) || key.trim() !== key) {
    issues.add(path, `key "${key}" may hold letters, digits and _ - . / : and inner spaces only`)
  }
}

/** Check a human name (experiment, run, model). */
export const checkName = (
  issues: IssueList,
  path: readonly (string | number)[],
  name: unknown,
): void => {
  if (
    typeof name !== 'string' ||
    name.trim() === '' ||
    name.length > TRACKING_LIMITS.maxNameLength
  ) {
    issues.add(
      path,
      `name must be non-blank text of at most ${TRACKING_LIMITS.maxNameLength} characters`,
    )
  }
}

/** Check and stringify params. */
export const checkParams = (
  issues: IssueList,
  params: Readonly<Record<string, ParamValue>>,
): [string, string][] =>
  Object.entries(params).map(([key, raw]) => {
    checkKey(issues, ['params', key], key)
    let value = ''
    if (typeof raw === 'number') {
      if (!Number.isFinite(raw)) issues.add(['params', key], 'numeric params must be finite')
      value = String(raw)
    } else if (typeof raw === 'boolean') value = String(raw)
    else if (typeof raw === 'string') value = raw
    else issues.add(['params', key], 'param values are text, numbers or booleans')
    if (value.length > TRACKING_LIMITS.maxParamValueLength) {
      issues.add(
        ['params', key],
        `param values are at most ${TRACKING_LIMITS.maxParamValueLength} characters`,
      )
    }
    return [key, value]
  })

/** Check tags. */
export const checkTags = (
  issues: IssueList,
  tags: Readonly<Record<string, string>>,
): [string, string][] =>
  Object.entries(tags).map(([key, value]) => {
    checkKey(issues, ['tags', key], key)
    if (typeof value !== 'string') issues.add(['tags', key], 'tag values are text')
    else if (value.length > TRACKING_LIMITS.maxTagValueLength) {
      issues.add(
        ['tags', key],
        `tag values are at most ${TRACKING_LIMITS.maxTagValueLength} characters`,
      )
    }
    return [key, String(value)]
  })

/** Check metric observations and fill in defaults. */
export const checkMetrics = (
  issues: IssueList,
  metrics: readonly MetricInput[],
  now: number,
): { key: string; value: number; step: number; timestamp: number }[] =>
  metrics.map((m, i) => {
    checkKey(issues, ['metrics', i, 'key'], m.key)
    if (typeof m.value !== 'number' || !Number.isFinite(m.value)) {
      issues.add(
        ['metrics', i, 'value'],
        `metric "${m.key}" must be a finite number, got ${String(m.value)}`,
      )
    }
    const step = m.step ?? 0
    if (!Number.isSafeInteger(step) || step < 0) {
      issues.add(['metrics', i, 'step'], 'step must be a non-negative integer')
    }
    const timestamp = m.timestamp ?? now
    if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
      issues.add(['metrics', i, 'timestamp'], 'timestamp must be epoch milliseconds')
    }
    return { key: m.key, value: m.value, step, timestamp }
  })

/** Check dataset inputs. */
export const checkInputs = (issues: IssueList, inputs: readonly DatasetInput[]): void => {
  inputs.forEach((input, i) => {
    const fp = input.fingerprint
    if (
      typeof fp !== 'string' ||
      fp.length === 0 ||
      fp.length > TRACKING_LIMITS.maxFingerprintLength
    ) {
      issues.add(
        ['inputs', i, 'fingerprint'],
        `fingerprints are 1–${TRACKING_LIMITS.maxFingerprintLength} characters`,
      )
    }
    if (!ROLES.has(input.role)) {
      issues.add(
        ['inputs', i, 'role'],
        `role must be train, validation or test, not "${String(input.role)}"`,
      )
    }
    if (input.name !== undefined) checkName(issues, ['inputs', i, 'name'], input.name)
  })
}

/** Longest lease a run may hold: a day (a heartbeat is meant to come every few seconds). */
export const MAX_LEASE_MS = 86_400_000

/** Check a lease duration in milliseconds. */
export const checkLease = (issues: IssueList, ms: unknown): void => {
  if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < 1 || ms > MAX_LEASE_MS)
    issues.add(['lease', 'ms'], `a lease is 1 to ${MAX_LEASE_MS} milliseconds`)
}

/** Check an epoch-milliseconds time. */
export const checkTime = (
  issues: IssueList,
  path: readonly (string | number)[],
  t: number,
): void => {
  if (!Number.isSafeInteger(t) || t < 0) issues.add(path, 'times are epoch milliseconds (integers)')
}

/**
 * Check everything a new run carries (experiment, name, params, tags, inputs, start, seed, git) and
 * return the params and tags in stored form and the start time.
 */
export const checkRunInput = (
  issues: IssueList,
  input: CreateRunInput,
  now: number,
): { params: [string, string][]; tags: [string, string][]; start: number } => {
  checkName(issues, ['experiment'], input.experiment)
  if (input.name !== undefined) checkName(issues, ['name'], input.name)
  const params = checkParams(issues, input.params ?? {})
  const tags = checkTags(issues, input.tags ?? {})
  checkInputs(issues, input.inputs ?? [])
  const start = input.startTime ?? now
  checkTime(issues, ['startTime'], start)
  if (input.seed !== undefined && !Number.isSafeInteger(input.seed)) {
    issues.add(['seed'], 'seed must be an integer')
  }
  if (input.git !== undefined && !/^[0-9a-f]{7,64}$/.test(String(input.git.commit))) {
    issues.add(['git', 'commit'], 'git commit must be a hex object id')
  }
  if (input.lease !== undefined) checkLease(issues, input.lease.ms)
  return { params, tags, start }
}
