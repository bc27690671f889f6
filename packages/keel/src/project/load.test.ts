import { describe, expect, it } from 'vitest'
import { KeelError } from '@keel/core'
import { parseProject } from './load.js'

const base = {
  name: 'p',
  sources: { data: { path: 'data.csv' } },
  label: { column: 'y', task: 'binary' },
  candidates: [{ name: 'gbdt', kind: 'gbdt' }],
}

const errorOf = (raw: unknown): KeelError => {
  try {
    parseProject(raw)
  } catch (e) {
    if (e instanceof KeelError) return e
    throw e
  }
  throw new Error('expected INVALID_CONFIG')
}

describe('parseProject errors', () => {
  it('names a misspelt top-level key and the key it most likely meant', () => {
    const e = errorOf({ ...base, candiates: [] })
    expect(e.code).toBe('INVALID_CONFIG')
    expect(e.message).toBe(
      'keel.config.ts is not valid:\n  candiates: unknown key "candiates" (did you mean "candidates"?)',
    )
    expect(e.issues).toEqual([
      {
        code: 'unrecognized_keys',
        path: ['candiates'],
        message: 'unknown key "candiates" (did you mean "candidates"?)',
      },
    ])
  })

  it('names array entries by their name, never by a bare index, and follows unions by kind', () => {
    const e = errorOf({
      ...base,
      candidates: [
        { name: 'gbdt', kind: 'gbdt' },
        { name: 'ridge', kind: 'ridge', parms: {} },
      ],
      schema: { fields: [{ name: 'Year', kind: 'timestamp', rol: 'timestamp' }] },
      split: { kind: 'time', cutofs: ['2001-01-01', '2001-02-01'] },
      evaluation: { gate: { minimun: { roc_auc: 0.7 } } },
    })
    expect(e.message.split('\n').slice(1).sort()).toEqual(
      [
        '  candidates[1] (ridge).parms: unknown key "parms" (did you mean "params"?)',
        '  schema.fields[0] (Year).rol: unknown key "rol" (did you mean "role"?)',
        '  split.cutofs: unknown key "cutofs" (did you mean "cutoffs"?)',
        '  evaluation.gate.minimun: unknown key "minimun" (did you mean "minimum"?)',
      ].sort(),
    )
  })

  it('suggests an option and a split kind', () => {
    const e = errorOf({
      ...base,
      label: { column: 'y', task: 'regresion' },
      split: { kind: 'radnom' },
    })
    expect(e.message).toContain('label.task: ')
    expect(e.message).toContain('(did you mean "regression"?)')
    expect(e.message).toContain('split.kind: ')
    expect(e.message).toContain('(did you mean "random"?)')
  })

  it('names the config itself when the export is not an object, never "(root)"', () => {
    const e = errorOf(42)
    expect(e.message).toMatch(/^keel\.config\.ts is not valid:\n {2}the exported config: /)
    expect(e.message).not.toContain('(root)')
  })

  it('accepts a predefined split column', () => {
    const config = parseProject({ ...base, split: { kind: 'predefined', column: 'part' } })
    expect(config.split).toEqual({ kind: 'predefined', column: 'part' })
  })
})
