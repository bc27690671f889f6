import { Command } from 'commander'
import { vi } from 'vitest'
import { registerEvaluate } from '../../cli/commands/evaluate.js'
import { registerModels } from '../../cli/commands/models.js'
import { registerRuns } from '../../cli/commands/runs.js'

/** What one in-process CLI call printed and returned. */
export interface CliResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
  /** stdout parsed as JSON (for `--json` calls), else undefined. */
  readonly json: unknown
}

/**
 * Run `keel <args>` in process with the evaluation commands registered, capturing stdout, stderr
 * and the exit code, so command tests need no child process or build.
 */
export const runKeel = async (args: readonly string[]): Promise<CliResult> => {
  const program = new Command('keel').exitOverride()
  registerRuns(program)
  registerModels(program)
  registerEvaluate(program)
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
  let code: number
  try {
    await program.parseAsync(['node', 'keel', ...args])
    code = Number(process.exitCode ?? 0)
  } finally {
    out.mockRestore()
    err.mockRestore()
    process.exitCode = before
  }
  let json: unknown
  try {
    json = JSON.parse(stdout)
  } catch {
    json = undefined
  }
  return { code, stdout, stderr, json }
}
