import { z } from 'zod'
import { KeelError } from '@keel/core'

/** A length of time: `'30m'`, `'6h'`, `'1d'`, `'7d'`, `'2w'`, or milliseconds. */
export const durationSchema = z.union([
  z.string().regex(/^\d+(\.\d+)?\s*(ms|s|m|h|d|w)$/, 'a duration such as 30m, 6h, 1d or 7d'),
  z.number().int().positive(),
])

/** A duration as written in a config. */
export type Duration = z.infer<typeof durationSchema>

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
}

/**
 * A duration in milliseconds from `'30m'`, `'6h'`, `'1d'`, `'7d'`, `'2w'` (or a number of ms).
 * Unreadable or non-positive values are `INVALID_ARGUMENT`.
 */
export const parseDuration = (value: string | number): number => {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value > 0) return value
  } else {
    const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/.exec(value.trim())
    if (m) {
      const ms = Math.round(Number(m[1]) * UNIT_MS[m[2]!]!)
      if (ms > 0) return ms
    }
  }
  throw new KeelError('INVALID_ARGUMENT', `not a duration: ${String(value)}`, {
    hint: 'use a number of milliseconds or a duration such as 30m, 6h, 1d or 7d',
  })
}
