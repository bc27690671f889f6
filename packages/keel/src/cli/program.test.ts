import { describe, expect, it } from 'vitest'
import { runCli } from './test-support/run-cli.js'

/** The `{ error }` document a `--json` call printed. */
const jsonError = (stdout: string): { code: string; message: string; hint?: string } =>
  (JSON.parse(stdout) as { error: { code: string; message: string; hint?: string } }).error

describe('usage errors from the option parser', () => {
  it('are INVALID_ARGUMENT, exit 2, one JSON document when --json is anywhere in argv', async () => {
    for (const args of [
      ['runs', 'list', '--bogus', '--json'],
      ['runs', 'list', '--json', '--bogus'],
      ['data', 'profile', 'x.csv', '--rows', 'lots', '--json'],
      ['init', '--json'],
    ]) {
      const r = await runCli(args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr, args.join(' ')).toBe('')
      expect(jsonError(r.stdout).code, args.join(' ')).toBe('INVALID_ARGUMENT')
    }
    const unknown = jsonError((await runCli(['runs', 'list', '--bogus', '--json'])).stdout)
    expect(unknown.message).toBe("unknown option '--bogus'")
    expect(unknown.hint).toBe('run `keel runs list --help` for usage')
    const bad = jsonError((await runCli(['data', 'profile', '--rows', '0', '--json'])).stdout)
    expect(bad.message).toMatch(/option '--rows <n\|all>' argument '0' is invalid/)
    expect(bad.hint).toContain('keel data profile --help')
  })

  it('are the same structured error as text on stderr without --json', async () => {
    const r = await runCli(['train', '--seeed', '3'])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/^error\[INVALID_ARGUMENT\]: unknown option '--seeed'\n/)
    expect(r.stderr).toMatch(/hint: .*run `keel train --help` for usage/)
  })

  it('an unknown command is a usage error too; help and --version still exit 0', async () => {
    const r = await runCli(['trian', '--json'])
    expect(r.code).toBe(2)
    expect(jsonError(r.stdout).message).toBe("unknown command 'trian'")
    expect(jsonError(r.stdout).hint).toContain('(Did you mean train?)')
    expect((await runCli(['data', '--help'])).code).toBe(0)
    expect((await runCli(['--version'])).code).toBe(0)
    expect((await runCli(['data'])).code).toBe(2)
  })
})
