import { describe, expect, it } from 'vitest'
import { formatLogLine } from './logger.js'

describe('formatLogLine', () => {
  it('keeps level, message and scalar fields, an error by its message, and drops nested objects', () => {
    const line = JSON.stringify({
      level: 50,
      time: 1,
      pid: 2,
      hostname: 'h',
      app: 'keel',
      err: { type: 'Error', message: 'disk full', stack: '…' },
      attempts: 3,
      url: 'http://x/hook',
      note: 'two words',
      request: { id: 'r1' },
      msg: 'monitoring alert webhook failed',
    })
    expect(formatLogLine(`${line}\n`)).toBe(
      'keel error: monitoring alert webhook failed err="disk full" attempts=3 url=http://x/hook note="two words"\n',
    )
  })

  it('passes through a line that is not JSON', () => {
    expect(formatLogLine('plain\n')).toBe('plain\n')
  })
})
