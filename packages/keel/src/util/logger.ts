import { pino, type Logger } from 'pino'
import { readKeelEnv } from '../project/env.js'

/**
 * Keel's structured logger: JSON lines on stderr, so stdout stays for results. The level comes from
 * `KEEL_LOG_LEVEL` (default `warn` for the CLI, so a command's readable output is not buried in
 * logs; `info` or `debug` when diagnosing).
 */
export const createLogger = (level = readKeelEnv().logLevel ?? 'warn'): Logger =>
  pino(
    { level, base: { app: 'keel' }, redact: ['*.token', '*.password', 'headers.authorization'] },
    pino.destination(2),
  )

let shared: Logger | undefined

/** The process-wide logger (created on first use). */
export const logger = (): Logger => (shared ??= createLogger())
