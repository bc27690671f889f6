import { SingleBar, Presets } from 'cli-progress'

/** Progress of long work, as reported by library calls. */
export interface ProgressEvent {
  readonly done: number
  readonly total?: number
  readonly message?: string
}

/** A sink for progress events; library calls take `onProgress: (p) => void`. */
export interface ProgressReporter {
  update(p: ProgressEvent): void
  /** Start a new named phase (a new bar or a header line). */
  phase(name: string): void
  stop(): void
}

/** A reporter that shows nothing (for `--json`, `--quiet` and library use). */
export const silentProgress: ProgressReporter = { update() {}, phase() {}, stop() {} }

/**
 * Progress on stderr: a bar when stderr is a terminal and not in CI; otherwise plain lines, at most
 * one every few seconds per phase, so logs stay readable.
 */
export const createProgress = (
  stream: NodeJS.WriteStream = process.stderr,
  interactive = Boolean(stream.isTTY) && !process.env['CI'],
): ProgressReporter => {
  let bar: SingleBar | undefined
  let phase = ''
  let lastLine = 0
  const stopBar = (): void => {
    bar?.stop()
    bar = undefined
  }
  return {
    phase(name) {
      stopBar()
      phase = name
      lastLine = 0
      if (!interactive) stream.write(`${name}…\n`)
    },
    update(p) {
      if (interactive) {
        if (p.total === undefined) return
        if (!bar) {
          bar = new SingleBar(
            {
              format: `${phase.padEnd(24)} {bar} {percentage}% | {value}/{total} {msg}`,
              stream,
              hideCursor: true,
              clearOnComplete: true,
            },
            Presets.shades_classic,
          )
          bar.start(p.total, p.done, { msg: p.message ?? '' })
        } else {
          bar.setTotal(p.total)
          bar.update(p.done, { msg: p.message ?? '' })
        }
        return
      }
      const now = Date.now()
      if (now - lastLine < 5000 && !(p.total !== undefined && p.done >= p.total)) return
      lastLine = now
      const pct = p.total ? ` ${Math.floor((100 * p.done) / p.total)}%` : ''
      stream.write(
        `  ${phase}${pct} ${p.done}${p.total ? `/${p.total}` : ''}${p.message ? ` ${p.message}` : ''}\n`,
      )
    },
    stop: stopBar,
  }
}
