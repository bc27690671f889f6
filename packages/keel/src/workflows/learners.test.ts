import { describe, expect, it } from 'vitest'
import { isKeelError } from '@keel/core'
import type { ProjectConfig } from '../config/index.js'
import { resolveLearners } from './learners.js'

/** The parts of a project config that resolving learners reads. */
const config = (candidates: { name: string; kind: string; params?: object }[]): ProjectConfig =>
  ({ name: 'p', baselines: [], candidates }) as unknown as ProjectConfig

describe('resolveLearners', () => {
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
})
