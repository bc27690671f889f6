import { createRng, Frame, isKeelError, numericColumn } from '@keel/core'
import { describe, expect, it } from 'vitest'
import type { ProjectConfig } from '../project/index.js'
import { resolveLearners } from './learners.js'

/** The parts of a project config that resolving learners reads. */
const config = (candidates: { name: string; kind: string; params?: object }[]): ProjectConfig =>
  ({ name: 'p', baselines: [], candidates }) as unknown as ProjectConfig

describe('resolveLearners', () => {
  it('trains a GBDT candidate on worker threads (the Node entry is loaded) like on one', () => {
    const [one, two] = resolveLearners(
      config([
        { name: 'one', kind: 'gbdt', params: { nEstimators: 3 } },
        { name: 'two', kind: 'gbdt', params: { nEstimators: 3, threads: 2 } },
      ]),
    )
    const rng = createRng(3)
    const n = 10_000
    const x = Float64Array.from({ length: n }, () => rng.normal())
    const z = Float64Array.from({ length: n }, () => rng.normal())
    const y = Float64Array.from(x, (v, i) => (v + z[i]! * 0.5 > 0 ? 1 : 0))
    const data = {
      X: Frame.fromColumns({ x: numericColumn(x), z: numericColumn(z) }),
      y,
      task: 'binary' as const,
      classes: ['no', 'yes'],
    }
    const trees = (m: { toJSON(): unknown }): string =>
      JSON.stringify((m.toJSON() as { gbdt: { trees: unknown } }).gbdt.trees)
    const a = one!.learner.fit(data, { rng: createRng(1) })
    const b = two!.learner.fit(data, { rng: createRng(1) })
    expect(trees(b)).toBe(trees(a))
  })

  it('builds forest candidates by kind', () => {
    const entries = resolveLearners(
      config([
        { name: 'rf', kind: 'random-forest', params: { nTrees: 50, oobScore: true } },
        { name: 'et', kind: 'extra-trees', params: { maxFeatures: 0.5 } },
      ]),
    )
    expect(entries.map((e) => [e.name, e.learner.kind])).toEqual([
      ['rf', 'random-forest'],
      ['et', 'extra-trees'],
    ])
    expect(entries[0]!.learner.params).toMatchObject({ nTrees: 50, bootstrap: true })
    expect(entries[1]!.learner.params).toMatchObject({ bootstrap: false, maxFeatures: 0.5 })
  })

  it('names the config path of a bad forest hyperparameter', () => {
    let thrown: unknown
    try {
      resolveLearners(
        config([{ name: 'rf', kind: 'random-forest', params: { maxFeatures: 'half' } }]),
      )
    } catch (e) {
      thrown = e
    }
    expect(isKeelError(thrown) && thrown.code).toBe('INVALID_CONFIG')
    if (!isKeelError(thrown)) return
    expect(thrown.issues[0]!.path).toEqual(['candidates', 0, 'params', 'maxFeatures'])
  })

  it('names a bad hyperparameter by the entry and its full path', () => {
    expect(() =>
      resolveLearners(config([{ name: 'gbdt', kind: 'gbdt', params: { objective: 'l2' } }])),
    ).toThrow(/^candidates\[0\] \(gbdt\)\.params\.objective: Invalid option/)
  })

  it('suggests the learner kind a misspelt one most likely meant', () => {
    expect(() => resolveLearners(config([{ name: 'trees', kind: 'gbtd' }]))).toThrow(
      'candidates[0] (trees).kind: unknown learner "gbtd" (did you mean "gbdt"?)',
    )
    // Nothing close: no guess.
    expect(() => resolveLearners(config([{ name: 'x', kind: 'transformer' }]))).toThrow(
      /^candidates\[0\] \(x\)\.kind: unknown learner "transformer"$/,
    )
  })
})
