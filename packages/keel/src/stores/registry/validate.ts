/** Input checks for registry writes: model names, aliases, version numbers, evaluation JSON. */
import { KeelError } from '@keel/core'
import type { EvaluationJson } from './types.js'

const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$/
const ALIAS = /^[a-z][a-z0-9_-]{0,62}$/
/** Most bytes an evaluation summary may take as JSON. */
export const MAX_EVALUATION_BYTES = 1_000_000

/** Aliases with a fixed meaning that cannot be set. */
export const RESERVED_ALIASES: ReadonlySet<string> = new Set(['latest'])

/** Check a model name (it appears in CLI references such as `flights@production`). */
export const checkModelName = (name: unknown): string => {
  if (typeof name === 'string' && MODEL_NAME.test(name)) return name
  throw new KeelError(
    'INVALID_ARGUMENT',
    `model name ${JSON.stringify(String(name).slice(0, 80))} must start with a letter or digit and hold letters, digits, _ . - (at most 200)`,
    { path: ['model'] },
  )
}

/** Check an alias name; `settable` refuses reserved aliases. */
export const checkAlias = (alias: unknown, settable: boolean): string => {
  if (typeof alias !== 'string' || !ALIAS.test(alias)) {
    throw new KeelError(
      'INVALID_ARGUMENT',
      `alias ${JSON.stringify(String(alias).slice(0, 80))} must be lowercase letters, digits, _ or -, starting with a letter`,
      { path: ['alias'] },
    )
  }
  if (settable && RESERVED_ALIASES.has(alias)) {
    throw new KeelError('INVALID_ARGUMENT', `alias "${alias}" is reserved`, { path: ['alias'] })
  }
  return alias
}

/** Check a version number. */
export const checkVersion = (
  version: unknown,
  path: readonly (string | number)[] = ['version'],
): number => {
  if (typeof version === 'number' && Number.isSafeInteger(version) && version >= 1) return version
  throw new KeelError(
    'INVALID_ARGUMENT',
    `version must be a positive integer, got ${String(version)}`,
    { path },
  )
}

const checkJson = (value: unknown, path: (string | number)[], depth: number): void => {
  if (depth > 32)
    throw new KeelError('INVALID_ARGUMENT', 'evaluation is nested too deeply', { path })
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return
    throw new KeelError('INVALID_ARGUMENT', `evaluation holds a non-finite number (${value})`, {
      path,
    })
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkJson(v, [...path, i], depth + 1))
    return
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value)) checkJson(v, [...path, k], depth + 1)
    return
  }
  throw new KeelError('INVALID_ARGUMENT', 'evaluation must be plain JSON data', { path })
}

/** Check an evaluation summary and return its JSON text. */
export const evaluationJson = (
  evaluation: { readonly [key: string]: EvaluationJson } | undefined,
): string => {
  const value = evaluation ?? {}
  checkJson(value, ['evaluation'], 0)
  const text = JSON.stringify(value)
  if (Buffer.byteLength(text) > MAX_EVALUATION_BYTES) {
    throw new KeelError(
      'PAYLOAD_TOO_LARGE',
      `evaluation is larger than ${MAX_EVALUATION_BYTES} bytes of JSON`,
      {
        path: ['evaluation'],
      },
    )
  }
  return text
}
