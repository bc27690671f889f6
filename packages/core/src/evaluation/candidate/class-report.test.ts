import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { classReport } from './class-report.js'

interface Case {
  readonly name: string
  readonly K: number
  readonly y: number[]
  readonly pred: number[]
  readonly confusion: number[][]
  readonly perClass: { precision: number; recall: number; f1: number; support: number }[]
  readonly accuracy: number
  readonly macro: { precision: number; recall: number; f1: number }
  readonly weighted: { precision: number; recall: number; f1: number }
}

const { cases } = JSON.parse(
  readFileSync(
    new URL('../../../../../test/fixtures/evaluation/class-report.json', import.meta.url),
    'utf8',
  ),
) as { cases: Case[] }

// Tolerance 1e-12: the same ratios of integer counts as scikit-learn; only the order of the
// floating-point sums in the averages differs.
const close = (a: number, b: number): void => expect(a).toBeCloseTo(b, 12)

describe('the class report', () => {
  for (const c of cases) {
    it(`matches scikit-learn's confusion_matrix and classification_report (${c.name})`, () => {
      const classes = Array.from({ length: c.K }, (_, k) => `c${k}`)
      const r = classReport(
        {
          task: c.K === 2 ? 'binary' : 'multiclass',
          y: Float64Array.from(c.y),
          pred: Float64Array.from(c.pred),
          numClasses: c.K,
        },
        classes,
      )!
      expect(r.labels).toEqual(classes)
      expect(r.confusion).toEqual(c.confusion)
      r.perClass.forEach((p, k) => {
        expect(p.class).toBe(classes[k])
        close(p.precision, c.perClass[k]!.precision)
        close(p.recall, c.perClass[k]!.recall)
        close(p.f1, c.perClass[k]!.f1)
        expect(p.support).toBe(c.perClass[k]!.support)
      })
      close(r.accuracy, c.accuracy)
      for (const avg of ['macro', 'weighted'] as const)
        for (const m of ['precision', 'recall', 'f1'] as const) close(r[avg][m], c[avg][m])
    })
  }

  it('is null for regression', () => {
    const y = Float64Array.from([1, 2])
    expect(classReport({ task: 'regression', y, pred: y }, [])).toBeNull()
  })
})
