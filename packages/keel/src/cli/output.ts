import { styleText } from 'node:util'
import { readKeelEnv } from '../project/env.js'
import { exitCodeFor, formatPath, toKeelError, type KeelError } from '@keel/core'
import { createProgress, silentProgress, type ProgressReporter } from '../util/progress.js'
import { setLogFormat } from '../util/logger.js'

/** Options shared by every command. */
export interface GlobalOptions {
  readonly json?: boolean
  readonly quiet?: boolean
  readonly config?: string
  readonly cwd?: string
}

/**
 * Where a command's results go. Readable text on stdout by default; with `--json`, exactly one JSON
 * document on stdout (results or `{ "error": … }`), and nothing else there. Progress and logs
 * always go to stderr: log records as readable lines in text mode, as JSON lines with `--json`.
 */
export class Output {
  readonly json: boolean
  readonly quiet: boolean
  readonly progress: ProgressReporter
  readonly #color: boolean

  constructor(options: GlobalOptions, stdout: NodeJS.WriteStream = process.stdout) {
    this.json = options.json === true
    this.quiet = options.quiet === true
    this.progress = this.json || this.quiet ? silentProgress : createProgress()
    this.#color = Boolean(stdout.isTTY) && !process.env['NO_COLOR']
  }

  /** Emit a command's result: `data` as JSON with `--json`, else the text from `render`. */
  result(data: unknown, render: () => string): void {
    this.progress.stop()
    if (this.json) process.stdout.write(`${JSON.stringify(data, jsonReplacer, 2)}\n`)
    else process.stdout.write(`${render()}\n`)
  }

  /** Style text when stdout is a colour terminal. */
  style(format: Parameters<typeof styleText>[0], text: string): string {
    return this.#color ? styleText(format, text) : text
  }

  /** Report an error (as JSON or as readable lines on stderr) and return the exit code. */
  error(e: unknown): number {
    this.progress.stop()
    const err: KeelError = toKeelError(e)
    if (this.json) {
      process.stdout.write(`${JSON.stringify({ error: err.toJSON() }, jsonReplacer, 2)}\n`)
    } else {
      const where = err.path.length > 0 ? ` (at ${formatPath(err.path)})` : ''
      process.stderr.write(
        `error[${err.code}]: ${err.message}${err.message.includes('\n') ? '' : where}\n`,
      )
      const shown = err.issues.slice(0, 50)
      if (shown.length > 0 && !err.message.includes('\n')) {
        for (const i of shown)
          process.stderr.write(`  - ${formatPath(i.path) || '(root)'}: ${i.message}\n`)
        if (err.issues.length > shown.length)
          process.stderr.write(`  … and ${err.issues.length - shown.length} more\n`)
      }
      if (err.hint) process.stderr.write(`hint: ${err.hint}\n`)
      if (err.code === 'INTERNAL' && readKeelEnv().debug && err.cause instanceof Error) {
        process.stderr.write(`${err.cause.stack ?? ''}\n`)
      }
    }
    return exitCodeFor(err.code)
  }
}

/** JSON for typed arrays, bigints and non-finite numbers (as null). */
export const jsonReplacer = (_key: string, value: unknown): unknown => {
  if (typeof value === 'bigint') return Number(value)
  if (ArrayBuffer.isView(value) && !(value instanceof DataView))
    return Array.from(value as unknown as ArrayLike<number>)
  if (typeof value === 'number' && !Number.isFinite(value)) return null
  if (value instanceof Map) return Object.fromEntries(value)
  return value
}

/**
 * Run a command body with uniform error handling: a KeelError becomes its exit code, anything else
 * an INTERNAL error (exit 1) without a stack trace unless `KEEL_DEBUG` is set.
 */
export const runCommand = async (
  options: GlobalOptions,
  body: (out: Output) => Promise<number | void>,
): Promise<void> => {
  const out = new Output(options)
  setLogFormat(out.json ? 'json' : 'text')
  let code: number
  try {
    code = (await body(out)) ?? 0
  } catch (e) {
    code = out.error(e)
  }
  process.exitCode = code
}
