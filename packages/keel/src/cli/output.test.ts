import { afterEach, describe, expect, it, vi } from 'vitest'
import { logger, setLogFormat } from '../util/logger.js'
import { runCommand } from './output.js'

/** What a command body wrote to stdout and stderr, and the exit code it set. */
const capture = async (
  json: boolean,
  body: () => Promise<void>,
): Promise<{ stdout: string; stderr: string }> => {
  let stdout = ''
  let stderr = ''
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
    stdout += String(c)
    return true
  })
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => {
    stderr += String(c)
    return true
  })
  const before = process.exitCode
  try {
    await runCommand({ json, quiet: true }, async (o) => {
      await body()
      o.result({ ok: true }, () => 'done')
    })
  } finally {
    out.mockRestore()
    err.mockRestore()
    process.exitCode = before
  }
  return { stdout, stderr }
}

afterEach(() => setLogFormat('json'))

describe('log records of a command', () => {
  // What `keel monitor` does when its log sink sends an alert.
  const alert = async (): Promise<void> => {
    logger().warn(
      { alert: { key: 'drift:distance' }, model: 'flights', version: 3 },
      'monitoring alert: distance drifted',
    )
  }

  it('are readable lines on stderr in text mode, never JSON', async () => {
    const r = await capture(false, alert)
    expect(r.stdout).toBe('done\n')
    expect(r.stderr).toBe('keel warn: monitoring alert: distance drifted model=flights version=3\n')
  })

  it('stay JSON lines on stderr with --json, and stdout holds only the result', async () => {
    const r = await capture(true, alert)
    expect(JSON.parse(r.stdout)).toEqual({ ok: true })
    const record = JSON.parse(r.stderr) as Record<string, unknown>
    expect(record).toMatchObject({ level: 40, msg: 'monitoring alert: distance drifted' })
    expect(record['alert']).toEqual({ key: 'drift:distance' })
  })
})
