/**
 * Starting a crash-test writer child process cheaply (the registry's `crash-writer.ts` by default,
 * or another script). The tests start it dozens of times, so it is bundled once into one
 * JavaScript file with esbuild (which tsx and vite bring along) and run with plain `node`; without
 * esbuild it falls back to running the TypeScript through tsx.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, rmSync } from 'node:fs'
import { basename } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRng } from '@keel/core'

const repoRoot = fileURLToPath(new URL('../../../../../', import.meta.url))
const writerSource = fileURLToPath(new URL('./crash-writer.ts', import.meta.url))
const coreSource = fileURLToPath(new URL('../../../../core/src/index.ts', import.meta.url))

/** A running writer. */
export interface WriterProcess {
  /** Resolves once the child has opened its stores. */
  readonly ready: Promise<void>
  /** The exit code (`null` when killed by a signal). */
  readonly exited: Promise<number | null>
  kill(): void
}

type Esbuild = {
  build(options: Record<string, unknown>): Promise<unknown>
}

/** The command line that runs the writer, and how to remove what preparing it left behind. */
export interface PreparedWriter {
  readonly command: readonly string[]
  dispose(): void
}

/** Build the writer bundle (once per test file) from `source` (an absolute path). */
export const prepareWriter = async (source: string = writerSource): Promise<PreparedWriter> => {
  try {
    const esbuild = (await import('esbuild' as string)) as Esbuild
    // Inside the repository so that the bundle's bare imports (kysely, better-sqlite3, pg, zod)
    // resolve from its node_modules.
    const outDir = `${repoRoot}node_modules/.cache/keel-stores-tests`
    mkdirSync(outDir, { recursive: true })
    const outfile = `${outDir}/${basename(source, '.ts')}-${process.pid}.mjs`
    await esbuild.build({
      entryPoints: [source],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'silent',
      plugins: [
        {
          name: 'keel-externals',
          setup(build: {
            onResolve(o: { filter: RegExp }, f: (a: { path: string }) => unknown): void
          }) {
            build.onResolve({ filter: /^@keel\/core$/ }, () => ({ path: coreSource }))
            build.onResolve({ filter: /^[^./]/ }, (args) => ({ path: args.path, external: true }))
          },
        },
      ],
    })
    return { command: [process.execPath, outfile], dispose: () => rmSync(outfile, { force: true }) }
  } catch {
    return {
      command: [process.execPath, '--import', 'tsx', source],
      dispose: () => undefined,
    }
  }
}

const live = new Set<{ kill(): void }>()

/** Kill every writer still running (a safety net for a test that failed half-way). */
export const killAllWriters = (): void => {
  for (const w of live) w.kill()
}

/** Start the writer with `args`. */
export const startWriter = (writer: PreparedWriter, args: readonly string[]): WriterProcess => {
  const [exe, ...prefix] = writer.command as [string, ...string[]]
  const child = spawn(exe, [...prefix, ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TSX_TSCONFIG_PATH: `${repoRoot}tsconfig.test.json` },
  })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve()
    })
    child.on('exit', (code) =>
      reject(new Error(`writer exited (${code}) before it was ready: ${stderr}`)),
    )
  })
  const handle = { kill: () => child.kill('SIGKILL') }
  live.add(handle)
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      live.delete(handle)
      resolve(code)
    }),
  )
  return { ready, exited, kill: handle.kill }
}

/**
 * Start the writer `kills` times over the same workspace, each run killed with SIGKILL a seeded
 * random 10 to 10 + `maxDelayMs` ms after it is ready. Resolves with each run's exit code (`null`
 * when the kill landed, which is what a crash test expects of every run).
 */
export const crashLoop = async (
  writer: PreparedWriter,
  args: (seed: number) => string[],
  options: { readonly kills: number; readonly seed: number; readonly maxDelayMs?: number },
): Promise<(number | null)[]> => {
  const rng = createRng(options.seed)
  const codes: (number | null)[] = []
  for (let k = 0; k < options.kills; k++) {
    const child = startWriter(writer, args(options.seed * 1000 + k))
    await child.ready
    await new Promise((r) => setTimeout(r, 10 + rng.int(options.maxDelayMs ?? 150)))
    child.kill()
    codes.push(await child.exited)
  }
  return codes
}
