import { describe, expect, it } from 'vitest'
import { isKeelError } from '../errors/index.js'
import { defineContract, parseContract } from './contract-schema.js'
import { fieldsWithRole } from './contract.js'

describe('parseContract', () => {
  it('accepts a contract with functions and freezes it', () => {
    const c = defineContract({
      fields: [
        { name: 'id', kind: 'categorical', role: 'id', unique: true },
        { name: 'at', kind: 'timestamp', role: 'timestamp', range: { min: '2001-01-01' } },
        { name: 'x', kind: 'numeric', checks: [{ name: 'pos', check: (v) => Number(v) > 0 }] },
      ],
      checks: [{ name: 'any', columns: ['x'], check: () => true }],
    })
    expect(Object.isFrozen(c.fields[0])).toBe(true)
    expect(fieldsWithRole(c, 'timestamp')).toEqual(['at'])
    expect(fieldsWithRole(c, 'feature')).toEqual(['x'])
  })

  it('lists every problem with its path', () => {
    try {
      parseContract({
        fields: [
          { name: 'a', kind: 'numeric', range: { min: 5, max: 1 }, categories: ['x'] },
          { name: 'a', kind: 'string' },
          { name: 'c', kind: 'categorical', maxNullRate: 2, range: { min: 'yesterday' } },
        ],
        checks: [{ name: 'k', columns: ['nope'], check: 'not a function' }],
      })
      expect.unreachable()
    } catch (e) {
      expect(isKeelError(e) && e.code).toBe('INVALID_CONFIG')
      if (!isKeelError(e)) return
      const where = e.issues.map((i) => i.path.join('.'))
      expect(where).toEqual(
        expect.arrayContaining([
          'fields.0.categories',
          'fields.0.range',
          'fields.1.kind',
          'fields.2.maxNullRate',
          'fields.2.range.min',
          'checks.0.check',
        ]),
      )
    }
  })

  it('reports duplicate field names and checks over unknown fields', () => {
    expect(() =>
      parseContract({
        fields: [
          { name: 'a', kind: 'numeric' },
          { name: 'a', kind: 'numeric' },
        ],
        checks: [{ name: 'k', columns: ['b'], check: () => true }],
      }),
    ).toThrowError(/duplicate field "a".*unknown field "b"/)
  })
})
