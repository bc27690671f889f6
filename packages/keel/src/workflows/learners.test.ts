import { createRng, Frame, numericColumn } from '@keel/core'
import { describe, expect, it } from 'vitest'
import type { ProjectConfig } from '../config/index.js'
import { resolveLearners } from './learners.js'

describe('resolveLearners', () => {
  it('trains a GBDT candidate on worker threads (the Node entry is loaded) like on one', () => {
    const config = {
      name: 'threads',
      baselines: [],
      candidates: [
        { name: 'one', kind: 'gbdt', params: { nEstimators: 3 } },
        { name: 'two', kind: 'gbdt', params: { nEstimators: 3, threads: 2 } },
      ],
    } as unknown as ProjectConfig
    const [one, two] = resolveLearners(config)
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
})
