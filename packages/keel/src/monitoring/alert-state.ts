import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { writeTextAtomic } from './write-atomic.js'

/** What the state file remembers about one alert key. */
export interface AlertKeyState {
  /** The last window in which the key was active. */
  readonly lastWindowKey: string
  readonly lastWindowStart: number
  /** The window where the current run of consecutive windows began (when it was sent). */
  readonly firstWindowKey: string
  /** The start of `firstWindowKey`'s window (epoch ms; absent in older files). */
  readonly firstWindowStart?: number | undefined
  /** When a monitoring run first raised the current run (ISO-8601; absent in older files). */
  readonly firstSeenAt?: string | undefined
}

/** Alert keys per monitored stream (`<model>|<window spec>`). */
export type AlertState = Record<string, Record<string, AlertKeyState>>

const stateSchema = z.object({
  format: z.literal('keel.monitor.state'),
  formatVersion: z.literal(1),
  streams: z.record(
    z.string(),
    z.record(
      z.string(),
      z.object({
        lastWindowKey: z.string(),
        lastWindowStart: z.number(),
        firstWindowKey: z.string(),
        firstWindowStart: z.number().optional(),
        firstSeenAt: z.string().optional(),
      }),
    ),
  ),
})

/** Keys kept per stream at most; the least recently active are dropped first. */
export const MAX_KEYS_PER_STREAM = 10_000

/**
 * Read the alert state file. A missing file is an empty state; an unreadable or foreign one is
 * also treated as empty (and reported through `problem`), because a damaged de-duplication record
 * must never silence alerts — at worst an ongoing alert is sent once more.
 */
export const readAlertState = async (
  file: string,
): Promise<{ state: AlertState; problem: string | null }> => {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { state: {}, problem: null }
    return { state: {}, problem: `cannot read ${file}: ${(e as Error).message}` }
  }
  try {
    const r = stateSchema.safeParse(JSON.parse(text))
    if (r.success) return { state: r.data.streams, problem: null }
    return { state: {}, problem: `${file} is not a keel.monitor.state document; starting afresh` }
  } catch {
    return { state: {}, problem: `${file} is not valid JSON; starting afresh` }
  }
}

/** Write the alert state atomically: readers see the old file or the new one, never a mix. */
export const writeAlertState = async (file: string, state: AlertState): Promise<void> => {
  const streams: AlertState = {}
  for (const [stream, keys] of Object.entries(state)) {
    const entries = Object.entries(keys)
    streams[stream] =
      entries.length <= MAX_KEYS_PER_STREAM
        ? keys
        : Object.fromEntries(
            entries
              .sort((a, b) => b[1].lastWindowStart - a[1].lastWindowStart)
              .slice(0, MAX_KEYS_PER_STREAM),
          )
  }
  const doc = { format: 'keel.monitor.state', formatVersion: 1, streams }
  await writeTextAtomic(file, `${JSON.stringify(doc, null, 2)}\n`)
}
