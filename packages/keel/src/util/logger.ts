import { pino, type DestinationStream, type Logger } from 'pino'
import { readKeelEnv } from '../project/env.js'

/**
 * How log records reach stderr: `json`, one JSON object per line (pino's format, for log
 * collectors and `--json` runs), or `text`, one readable line per record (`keel warn: message
 * key=value`), so a command's readable output is never interleaved with raw JSON.
 */
export type LogFormat = 'json' | 'text'

let format: LogFormat = 'json'

/** Set the format of every Keel logger's lines from now on (the CLI sets `text` unless `--json`). */
export const setLogFormat = (next: LogFormat): void => {
  format = next
}

/** The current log line format. */
export const logFormat = (): LogFormat => format

/** pino's fields that a readable line leaves out (the message and level are its head). */
const HEAD_FIELDS = new Set(['level', 'time', 'pid', 'hostname', 'app', 'msg'])

const LEVELS: Readonly<Record<number, string>> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
}

const scalar = (v: unknown): string | undefined => {
  if (typeof v === 'string') return /\s/.test(v) ? JSON.stringify(v) : v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  return undefined
}

/**
 * One pino JSON line as readable text: `keel warn: message key=value …`. Scalar fields are kept;
 * an `err` shows its message; other nested objects (a whole alert, a request) are left to the
 * JSON format.
 */
export const formatLogLine = (line: string): string => {
  let record: Record<string, unknown>
  try {
    record = JSON.parse(line) as Record<string, unknown>
  } catch {
    return line
  }
  const level = LEVELS[Number(record['level'])] ?? String(record['level'])
  const parts = [`keel ${level}: ${String(record['msg'] ?? '')}`]
  for (const [key, value] of Object.entries(record)) {
    if (HEAD_FIELDS.has(key)) continue
    if (key === 'err' && typeof value === 'object' && value !== null) {
      const message = (value as { message?: unknown }).message
      if (typeof message === 'string') parts.push(`err=${JSON.stringify(message)}`)
      continue
    }
    const text = scalar(value)
    if (text !== undefined) parts.push(`${key}=${text}`)
  }
  return `${parts.join(' ')}\n`
}

/** stderr, in the current {@link LogFormat}. */
const stderrDestination: DestinationStream = {
  write: (line: string) => {
    process.stderr.write(format === 'json' ? line : formatLogLine(line))
  },
}

/**
 * Keel's structured logger: records on stderr, so stdout stays for results; JSON lines or readable
 * lines as {@link setLogFormat} says. The level comes from `KEEL_LOG_LEVEL` (default `warn` for
 * the CLI, so a command's readable output is not buried in logs; `info` or `debug` when
 * diagnosing).
 */
export const createLogger = (level = readKeelEnv().logLevel ?? 'warn'): Logger =>
  pino(
    { level, base: { app: 'keel' }, redact: ['*.token', '*.password', 'headers.authorization'] },
    stderrDestination,
  )

let shared: Logger | undefined

/** The process-wide logger (created on first use). */
export const logger = (): Logger => (shared ??= createLogger())
