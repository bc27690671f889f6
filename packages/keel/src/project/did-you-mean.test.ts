import { describe, expect, it } from 'vitest'
import { didYouMean, editDistance } from './did-you-mean.js'

describe('didYouMean', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps as one edit each', () => {
    expect(editDistance('gbdt', 'gbdt')).toBe(0)
    expect(editDistance('gbtd', 'gbdt')).toBe(1)
    expect(editDistance('ridge', 'ridg')).toBe(1)
    expect(editDistance('kitten', 'sitting')).toBe(3)
  })

  it('picks the closest known word within a third of the length, case ignored', () => {
    const kinds = ['gbdt', 'ridge', 'logistic-regression', 'random-forest']
    expect(didYouMean('GBDT', kinds)).toBe('gbdt')
    expect(didYouMean('random-forrest', kinds)).toBe('random-forest')
    expect(didYouMean('logistic-regresion', kinds)).toBe('logistic-regression')
    expect(didYouMean('svm', kinds)).toBeUndefined()
    expect(didYouMean('forest', kinds)).toBeUndefined()
  })
})
