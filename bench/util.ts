/** Small helpers shared by the benchmarks. */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

/** Peak resident set size of this process so far, in MiB (Linux: VmHWM). */
export const peakRssMb = (): number => {
  try {
    const status = spawnSync('cat', [`/proc/${process.pid}/status`], { encoding: 'utf8' }).stdout
    const m = /VmHWM:\s+(\d+) kB/.exec(status)
    if (m) return Math.round(Number(m[1]) / 1024)
  } catch {
    // fall through
  }
  return Math.round(process.memoryUsage().rss / 1048576)
}

/** Seconds taken by `fn` (wall clock, high resolution). */
export const timed = async <T>(fn: () => T | Promise<T>): Promise<[T, number]> => {
  const t0 = process.hrtime.bigint()
  const out = await fn()
  return [out, Number(process.hrtime.bigint() - t0) / 1e9]
}

/** Round to `d` decimals for reporting. */
export const round = (x: number, d = 3): number => Math.round(x * 10 ** d) / 10 ** d

/** Print the closing JSON line every benchmark ends with. */
export const report = (figures: Record<string, unknown>): void => {
  console.log(JSON.stringify(figures))
}

/**
 * The Python that has Debian's reference packages (scikit-learn, XGBoost, SciPy): the system one,
 * since a `python3` earlier on PATH (pyenv and the like) usually lacks them.
 */
export const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3'

/** True when a Python module can be imported (reference systems from Debian packages). */
export const hasPython = (module: string): boolean =>
  spawnSync(PYTHON, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0

/** The closing JSON object of a child benchmark's output, if its last line is one. */
export const lastJson = (out: string): Record<string, number> | undefined => {
  const line = out.trim().split('\n').pop()
  try {
    return line ? (JSON.parse(line) as Record<string, number>) : undefined
  } catch {
    return undefined
  }
}

/** Run `fn` once and return its value with the wall and CPU seconds (user + system, all threads) it took. */
export const measured = <T>(fn: () => T): { value: T; wallS: number; cpuS: number } => {
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  const value = fn()
  const wallS = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(c0)
  return { value, wallS, cpuS: (cpu.user + cpu.system) / 1e6 }
}
