import { describe, expect, it } from 'vitest'
import { isKeelError } from '../../errors/index.js'
import { parseEvaluationConfig, resolveMetrics } from './parse-config.js'

const issuesOf = (raw: unknown): unknown => {
  try {
    parseEvaluationConfig(raw)
  } catch (e) {
    if (isKeelError(e)) return { code: e.code, paths: e.issues.map((i) => i.path.join('.')) }
  }
  return 'parsed'
}

describe('the evaluation config section', () => {
  it('works empty, with defaults, and parses idempotently', () => {
    const c = parseEvaluationConfig(undefined)
    expect(c).toMatchObject({
      bootstrap: { resamples: 500, level: 0.95, method: 'percentile' },
      threshold: { strategy: 'max_f1' },
      calibration: { method: 'auto', bins: 10 },
      deferBelow: null,
      slices: [],
      behavioural: [],
      gate: {},
      champion: { alias: 'production' },
    })
    expect(parseEvaluationConfig(c)).toEqual(c)
    expect(resolveMetrics(c, 'binary').primary).toBe('roc_auc')
    expect(
      resolveMetrics(parseEvaluationConfig({ primary: 'pr_auc', metrics: ['auc'] }), 'binary'),
    ).toEqual({
      primary: 'average_precision',
      metrics: ['average_precision', 'roc_auc'],
    })
  })

  it('names every problem with its path', () => {
    expect(
      issuesOf({
        metrics: ['auc', 'nope'],
        threshold: { strategy: { recallAtLeast: 2 } },
        gate: { minimum: { bogus: 0.5 }, maxEce: 3 },
        behavioural: [
          { kind: 'invariance', name: 't', feature: 'a', tolerance: 0 },
          { kind: 'invariance', name: 't', feature: 'b', tolerance: 0 },
        ],
        typo: true,
      }),
    ).toEqual({
      code: 'INVALID_CONFIG',
      paths: expect.arrayContaining([
        'evaluation.typo',
        expect.stringMatching(/^evaluation\.threshold\.strategy/),
        'evaluation.gate.maxEce',
      ]),
    })
    expect(issuesOf({ metrics: ['auc', 'nope'] })).toEqual({
      code: 'INVALID_CONFIG',
      paths: ['evaluation.metrics.1'],
    })
    expect(issuesOf({ gate: { minimum: { bogus: 0.5 } } })).toEqual({
      code: 'INVALID_CONFIG',
      paths: ['evaluation.gate.minimum.bogus'],
    })
    expect(
      issuesOf({
        behavioural: [
          { kind: 'invariance', name: 't', feature: 'a', tolerance: 0 },
          { kind: 'invariance', name: 't', feature: 'b', tolerance: 0 },
        ],
      }),
    ).toEqual({
      code: 'INVALID_CONFIG',
      paths: ['evaluation.behavioural.1.name'],
    })
    expect(issuesOf({ slices: [{ name: 'x', where: 'row.a > 1' }] })).toMatchObject({
      code: 'INVALID_CONFIG',
    })
  })
})
