import { afterAll, describe, expect, it } from 'vitest'
import { createRng } from '../random/index.js'
import { createGbdt, type GbdtParamsInput } from '../learners/gbdt/index.js'
import { setTrainingThreads } from '../learners/gbdt/training-threads.js'
import { syntheticSet } from '../learners/gbdt/synthetic.js'
import type { TrainingSet } from '../learners/protocol.js'
import { enableTrainingThreads } from './index.js'

/** The trees of a fit as JSON (the stored params differ by `threads`, the trees must not). */
const treesOf = (params: GbdtParamsInput, data: TrainingSet): string => {
  const model = createGbdt({ nEstimators: 4, ...params }).fit(data, { rng: createRng(7) })
  return JSON.stringify((model.toJSON() as unknown as { gbdt: { trees: unknown } }).gbdt.trees)
}

describe('GBDT training threads', () => {
  afterAll(() => enableTrainingThreads())

  // 20k rows: nodes above the parallel threshold (4096 rows) down to depth 2 or so, then below it.
  it.each([
    ['binary, missing values and a categorical', { n: 20_000, task: 'binary' as const }, {}],
    ['multiclass (one gradient slice per class)', { n: 12_000, task: 'multiclass' as const }, {}],
    [
      'leaf-wise with row and column sampling',
      { n: 20_000, task: 'regression' as const },
      { maxDepth: 0, maxLeaves: 31, subsample: 0.7, colsampleByTree: 0.8 },
    ],
  ])('gives bit-identical trees on 1, 2 and 3 threads: %s', (_, o, params) => {
    const data = syntheticSet({ ...o, seed: 3, missing: 0.05, categorical: true })
    const one = treesOf(params, data)
    expect(treesOf({ ...params, threads: 2 }, data)).toBe(one)
    expect(treesOf({ ...params, threads: 3 }, data)).toBe(one)
  })

  it('refuses threads > 1 without the Node entry, with a structured error', () => {
    setTrainingThreads(undefined)
    const data = syntheticSet({ n: 200, task: 'binary', seed: 1 })
    expect(() => treesOf({ threads: 2 }, data)).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMS', path: ['threads'] }),
    )
    enableTrainingThreads()
    expect(treesOf({ threads: 2 }, data)).toBe(treesOf({}, data))
  })
})
