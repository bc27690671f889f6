import { describe, expect, it } from 'vitest'
import {
  Frame,
  booleanColumn,
  categoricalColumn,
  numericColumn,
  textColumn,
} from '../frame/index.js'
import { isKeelError } from '../errors/index.js'
import { coerceToContract } from './coerce.js'
import { parseInstant } from './contract.js'

describe('coerceToContract', () => {
  it('casts strings to numbers, booleans and dates strictly, with missing tokens', () => {
    const f = Frame.fromColumns({
      n: categoricalColumn(['1', ' -2.5e1 ', 'NA', null, 'inf']),
      b: textColumn(['true', 'F', 'yes', '0', '']),
      t: categoricalColumn([
        '2001-01-02',
        '2001-01-02 03:04',
        '2001-01-02T03:04:05.678+02:00',
        null,
        'null',
      ]),
      keep: numericColumn([1, 2, 3, 4, 5]),
    })
    const out = coerceToContract(f, {
      fields: [
        { name: 'n', kind: 'numeric' },
        { name: 'b', kind: 'boolean' },
        { name: 't', kind: 'timestamp' },
      ],
    })
    expect(out.toRows().map((r) => r['n'])).toEqual([1, -25, null, null, Infinity])
    expect(out.toRows().map((r) => r['b'])).toEqual([true, false, true, false, null])
    expect(out.toRows().map((r) => r['t'])).toEqual([
      Date.UTC(2001, 0, 2),
      Date.UTC(2001, 0, 2, 3, 4),
      Date.UTC(2001, 0, 2, 1, 4, 5, 678),
      null,
      null,
    ])
    expect(out.column('keep')).toBe(f.column('keep'))
  })

  it('refuses a bare small number in a timestamp column instead of reading it as epoch ms', () => {
    // 1981 (a model year) used to become 1970-01-01T00:00:01.981Z without a word.
    const years = Frame.fromColumns({ year: numericColumn([1981, 1970, null]) })
    let thrown: unknown
    try {
      coerceToContract(years, { fields: [{ name: 'year', kind: 'timestamp' }] })
    } catch (e) {
      thrown = e
    }
    expect(isKeelError(thrown) && thrown.code).toBe('SCHEMA_MISMATCH')
    expect((thrown as Error).message).toBe(
      'column "year": 2 values cannot be read as timestamp (e.g. "1981", "1970"; rows 0, 1): a number is an instant only as epoch milliseconds from 1e11 (1973) on; write a year or a date as ISO-8601 text (1981-01-01)',
    )
    // Epoch seconds are refused the same way; epoch milliseconds and missing values pass.
    expect(() =>
      coerceToContract(Frame.fromColumns({ t: numericColumn([1_700_000_000]) }), {
        fields: [{ name: 't', kind: 'timestamp' }],
      }),
    ).toThrow(/cannot be read as timestamp/)
    const ms = coerceToContract(
      Frame.fromColumns({ t: numericColumn([Date.UTC(2001, 0, 2), null]) }),
      { fields: [{ name: 't', kind: 'timestamp' }] },
    )
    expect(ms.kindOf('t')).toBe('timestamp')
    expect(ms.toRows().map((r) => r['t'])).toEqual([Date.UTC(2001, 0, 2), null])
  })

  it('puts contract categories first in the dictionary and stringifies numbers', () => {
    const f = Frame.fromColumns({
      o: categoricalColumn(['b', 'z', 'a']),
      k: numericColumn([1, 2.5, null]),
      flag: booleanColumn([true, false, null]),
    })
    const out = coerceToContract(f, {
      fields: [
        { name: 'o', kind: 'categorical', categories: ['a', 'b', 'c'] },
        { name: 'k', kind: 'categorical' },
        { name: 'flag', kind: 'text' },
      ],
    })
    expect(out.categorical('o').dictionary).toEqual(['a', 'b', 'c', 'z'])
    expect(out.toRows().map((r) => r['o'])).toEqual(['b', 'z', 'a'])
    expect(out.toRows().map((r) => r['k'])).toEqual(['1', '2.5', null])
    expect(out.toRows().map((r) => r['flag'])).toEqual(['true', 'false', null])
  })

  it('fails with every unreadable value named, never a silent NaN', () => {
    const f = Frame.fromColumns({
      n: categoricalColumn(['1', 'one', '3', 'three']),
      b: numericColumn([0, 1, 2, 1]),
    })
    try {
      coerceToContract(f, {
        fields: [
          { name: 'n', kind: 'numeric' },
          { name: 'b', kind: 'boolean' },
        ],
      })
      expect.unreachable()
    } catch (e) {
      expect(isKeelError(e) && e.code).toBe('SCHEMA_MISMATCH')
      if (!isKeelError(e)) return
      expect(e.issues.map((i) => i.message)).toEqual([
        'column "n": 2 values cannot be read as numeric (e.g. "one", "three"; rows 1, 3)',
        'column "b": 1 value cannot be read as boolean (e.g. "2"; rows 2)',
      ])
    }
  })
})

describe('parseInstant', () => {
  it('reads ISO dates and date-times as UTC unless an offset is given', () => {
    expect(parseInstant('2001-02-03')).toBe(Date.UTC(2001, 1, 3))
    expect(parseInstant('2001-02-03 04:05:06.789123')).toBe(Date.UTC(2001, 1, 3, 4, 5, 6, 789))
    expect(parseInstant('2001-02-03T04:05-0130')).toBe(Date.UTC(2001, 1, 3, 5, 35))
    expect(parseInstant('2001-02-03T04:05:06Z')).toBe(Date.UTC(2001, 1, 3, 4, 5, 6))
  })

  it('rejects dates that do not exist and non-ISO text', () => {
    for (const s of ['2001-02-30', '2001-13-01', '1', 'March 3, 2001', '2001-01-01T25:00']) {
      expect(parseInstant(s)).toBeUndefined()
    }
  })
})
