import { describe, expect, it } from 'vitest'
import { newRequestId } from './request-id.js'

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe('newRequestId', () => {
  it('is a UUID version 7 carrying the millisecond clock', () => {
    const now = Date.UTC(2026, 11, 6, 18, 5, 0, 123)
    const id = newRequestId(now)
    expect(id).toMatch(UUID_V7)
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(now)
    expect(newRequestId()).toMatch(UUID_V7)
  })

  it('sorts by time across milliseconds and stays unique within one', () => {
    const ids = [1, 2, 255, 256, 2 ** 40, 2 ** 47].map((t) => newRequestId(t))
    expect([...ids].sort()).toEqual(ids)
    const same = new Set(Array.from({ length: 10_000 }, () => newRequestId(1000)))
    expect(same.size).toBe(10_000)
  })
})
