import { expect } from 'vitest'
import type { Column, Frame } from '../../frame/index.js'

/** A column as comparable plain values: numbers (NaN kept), category labels, strings. */
const cells = (c: Column): unknown[] =>
  c.kind === 'categorical'
    ? Array.from(c.codes, (k) => (k < 0 ? null : c.dictionary[k]))
    : c.kind === 'text'
      ? [...c.values]
      : Array.from(c.values)

/** Bitwise equality of two frames (names, kinds, values with Object.is). */
export const expectSameFrame = (a: Frame, b: Frame, where: string): void => {
  expect(a.columnNames, where).toEqual(b.columnNames)
  for (const n of a.columnNames) {
    expect(a.kindOf(n), `${where}: ${n}`).toBe(b.kindOf(n))
    const x = cells(a.column(n))
    const y = cells(b.column(n))
    expect(x.length, `${where}: ${n}`).toBe(y.length)
    x.forEach((v, i) =>
      expect(Object.is(v, y[i]), `${where}: ${n}[${i}] ${String(v)} vs ${String(y[i])}`).toBe(true),
    )
  }
}

/** Every value and dictionary of a frame, to tell whether something mutated it. */
export const frameSnapshot = (f: Frame): unknown =>
  f.entries().map(([n, c]) => [n, cells(c), c.kind === 'categorical' ? [...c.dictionary] : null])
