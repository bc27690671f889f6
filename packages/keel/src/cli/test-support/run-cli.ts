import { vi } from 'vitest'
import { createProgram } from '../program.js'

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
    const program = createProgram({
      exitOverride: true,
      output: { writeOut: (s) => (stdout += s), writeErr: (s) => (stderr += s) },
    })
    try {
      await program.parseAsync(['node', 'keel', ...args])
    } catch (e) {
      const code = (e as { exitCode?: number }).exitCode
      if (typeof code !== 'number') throw e
      process.exitCode = code
    }
    return { code: Number(process.exitCode ?? 0), stdout, stderr }
  } finally {
    out.mockRestore()
    err.mockRestore()
    process.exitCode = before
  }
}
