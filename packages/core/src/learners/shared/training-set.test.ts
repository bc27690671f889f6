import { describe, expect, it } from 'vitest'
import { isKeelError } from '../../errors/index.js'
import { Frame, numericColumn } from '../../frame/index.js'
import { checkTrainingSet, subsetTrainingSet } from './training-set.js'

describe('checkTrainingSet', () => {
  const X = Frame.fromColumns({ a: numericColumn([1, 2, 3]) })
  const bad: [string, Parameters<typeof checkTrainingSet>[0]][] = [
    [
      'class index out of range',
      { X, y: Float64Array.from([0, 1, 2]), task: 'binary', classes: ['a', 'b'] },
    ],
    [
      'three classes for binary',
      { X, y: Float64Array.from([0, 1, 1]), task: 'binary', classes: ['a', 'b', 'c'] },
    ],
    [
      'all weights zero',
      { X, y: Float64Array.from([0, 1, 1]), task: 'binary', weight: new Float64Array(3) },
    ],
    ['no feature columns', { X: Frame.empty(), y: new Float64Array(0), task: 'regression' }],
  ]
  for (const [what, data] of bad) {
    it(`rejects ${what}`, () => {
      try {
        checkTrainingSet(data, { learner: 'test' })
        expect.unreachable()
      } catch (e) {
        expect(isKeelError(e) && e.code).toBe('INVALID_DATA')
      }
    })
  }

  it('names classes "0".."K-1" when the training set has none', () => {
    const c = checkTrainingSet(
      { X, y: Float64Array.from([0, 2, 1]), task: 'multiclass' },
      { learner: 't' },
    )
    expect(c.classes).toEqual(['0', '1', '2'])
  })

  it('subsets keep weights and classes and allow repeats', () => {
    const d = {
      X,
      y: Float64Array.from([0, 1, 1]),
      task: 'binary' as const,
      classes: ['n', 'y'],
      weight: Float64Array.from([1, 2, 3]),
    }
    const s = subsetTrainingSet(d, [2, 2, 0])
    expect(Array.from(s.weight!)).toEqual([3, 3, 1])
    expect(Array.from(s.X.numeric('a'))).toEqual([3, 3, 1])
    expect(s.classes).toEqual(['n', 'y'])
  })
})
