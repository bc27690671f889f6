import { describe, expect, it } from 'vitest'
import { runCli } from '../test-support/run-cli.js'

describe('keel serve options', () => {
  it('documents the missing-feature policy and refuses a policy it does not have', async () => {
    const help = await runCli(['serve', '--help'])
    expect(help.code).toBe(0)
    expect(help.stdout.replace(/\s+/g, ' ')).toMatch(
      /--missing-features <policy> a missing input value: impute .* or reject \(422\) \(choices: "impute", "reject", default: "impute"\)/,
    )
    const bad = await runCli(['serve', '--missing-features', 'drop'])
    expect(bad.code).not.toBe(0)
    expect(bad.stderr).toMatch(/Allowed choices are impute, reject/)
  })
})
