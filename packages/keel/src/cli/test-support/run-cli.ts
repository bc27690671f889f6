import { vi } from 'vitest'
import { runProgram } from '../program.js'

/** Run the CLI in-process; returns what it wrote and the exit code it set. */
export const runCli = async (
  args: readonly string[],
): Promise<{ code: number; stdout: string; stderr: string }> => {
  let stdout = ''
  let stderr = ''
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk)
    return true
  })
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk)
    return true
  })
  const before = process.exitCode
  process.exitCode = 0
  try {
    // The same entry as `keel` itself (bin → main.ts), so usage errors are handled as there.
    await runProgram(['node', 'keel', ...args], {
      output: { writeOut: (s) => (stdout += s), writeErr: (s) => (stderr += s) },
    })
    return { code: Number(process.exitCode ?? 0), stdout, stderr }
  } finally {
    out.mockRestore()
    err.mockRestore()
    process.exitCode = before
  }
}

/** What one in-process CLI call printed and returned, with stdout parsed when it is JSON. */
export interface CliResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
  /** stdout parsed as JSON (for `--json` calls), else undefined. */
  readonly json: unknown
}

/** {@link runCli}, with stdout parsed as JSON where it is (for `--json` calls). */
export const runKeel = async (args: readonly string[]): Promise<CliResult> => {
  const r = await runCli(args)
  let json: unknown
  try {
    json = JSON.parse(r.stdout)
  } catch {
    json = undefined
  }
  return { ...r, json }
}
