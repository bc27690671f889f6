import { describe, expect, it } from 'vitest'
import { checkInputRows, type InputField } from './input-schema.js'

const fields: InputField[] = [{ name: 'Year', kind: 'timestamp', nullable: false }]

describe('checkInputRows on a timestamp field', () => {
  it('refuses a bare year or epoch seconds instead of reading it as epoch milliseconds', () => {
    // 1981 used to be accepted as 1970-01-01T00:00:01.981Z, the same prediction as 1970.
    for (const v of [1981, 1_700_000_000]) {
      const r = checkInputRows([{ Year: v }], fields)
      expect(r.ok).toBe(false)
      if (r.ok) return
      expect(r.issues[0]!.path).toEqual([0, 'Year'])
      expect(r.issues[0]!.message).toBe(
        `"Year" is a timestamp: ${v} is not epoch milliseconds (a year or epoch seconds?); send an ISO-8601 date-time`,
      )
    }
  })

  it('accepts epoch milliseconds and ISO-8601 text', () => {
    const r = checkInputRows([{ Year: Date.UTC(1981, 0, 1) }, { Year: '1981-01-01' }], fields)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(Array.from(r.frame.numeric('Year'))).toEqual([
      Date.UTC(1981, 0, 1),
      Date.UTC(1981, 0, 1),
    ])
  })
})
