import { describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import { isKeelError } from '@keel/core'
import { RUN_ATTRIBUTES, type FilterField, type FilterNode } from './ast.js'
import { formatRunFilter } from './format.js'
import { FILTER_LIMITS, parseRunFilter, parseRunOrder } from './parse.js'

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn()
    return undefined
  } catch (e) {
    return isKeelError(e) ? e.code : 'not a KeelError'
  }
}

describe('parseRunFilter', () => {
  it('parses the everyday filter into a tree', () => {
    expect(parseRunFilter("metrics.auc > 0.7 AND tags.model = 'gbdt'")).toEqual({
      type: 'and',
      items: [
        { type: 'compare', field: { kind: 'metric', key: 'auc' }, op: '>', value: 0.7 },
        { type: 'compare', field: { kind: 'tag', key: 'model' }, op: '=', value: 'gbdt' },
      ],
    })
  })

  it('binds AND tighter than OR and honours parentheses', () => {
    const f = parseRunFilter('params.a = 1 or params.b = 2 and (params.c = 3 or params.d = 4)')
    expect(f).toMatchObject({
      type: 'or',
      items: [{ type: 'compare' }, { type: 'and', items: [{ type: 'compare' }, { type: 'or' }] }],
    })
  })

  it('reads quoted keys, escaped quotes, IN lists, IS NULL and bare attributes', () => {
    expect(parseRunFilter("params.`learning rate` = 'it''s'")).toEqual({
      type: 'compare',
      field: { kind: 'param', key: 'learning rate' },
      op: '=',
      value: "it's",
    })
    expect(parseRunFilter('metrics."val/auc" NOT IN (1, -2.5e3)')).toEqual({
      type: 'in',
      field: { kind: 'metric', key: 'val/auc' },
      negated: true,
      values: [1, -2500],
    })
    expect(parseRunFilter('metrics.loss is not null')).toEqual({
      type: 'null',
      field: { kind: 'metric', key: 'loss' },
      negated: true,
    })
    expect(parseRunFilter("status <> 'failed'")).toEqual({
      type: 'compare',
      field: { kind: 'attribute', key: 'status' },
      op: '!=',
      value: 'failed',
    })
    // A number compared with a text field is taken in its text form.
    expect(parseRunFilter('params.depth = 6')).toMatchObject({ value: '6' })
    expect(parseRunFilter("run.id = 'x'")).toMatchObject({
      field: { kind: 'attribute', key: 'run_id' },
    })
  })

  it('reports syntax errors with their position', () => {
    for (const bad of [
      'metrics.auc >',
      'metrics.auc > 1 AND',
      '(metrics.auc > 1',
      'metrics. > 1',
      "tags.x = 'open",
      'metrics.auc ! 1',
      'x.y = 1',
      'metrics.auc > 1; drop table runs',
    ]) {
      expect(
        codeOf(() => parseRunFilter(bad)),
        bad,
      ).toBe('PARSE_ERROR')
    }
    expect(codeOf(() => parseRunFilter('color = 1'))).toBe('PARSE_ERROR')
  })

  it('refuses conditions without a meaning', () => {
    for (const bad of [
      "metrics.auc = 'high'",
      "params.depth > '3'",
      "metrics.auc LIKE '1%'",
      "status = 'paused'",
      "start_time = 'yesterday'",
    ]) {
      expect(
        codeOf(() => parseRunFilter(bad)),
        bad,
      ).toBe('INVALID_ARGUMENT')
    }
  })

  it('bounds the size of a filter', () => {
    const many = Array.from(
      { length: FILTER_LIMITS.maxConditions + 1 },
      (_, i) => `metrics.m${i} > 0`,
    ).join(' AND ')
    expect(codeOf(() => parseRunFilter(many))).toBe('INVALID_ARGUMENT')
    const deep = `${'('.repeat(FILTER_LIMITS.maxDepth + 1)}metrics.a > 0${')'.repeat(FILTER_LIMITS.maxDepth + 1)}`
    expect(codeOf(() => parseRunFilter(deep))).toBe('INVALID_ARGUMENT')
    expect(codeOf(() => parseRunFilter(`tags.a = '${'x'.repeat(FILTER_LIMITS.maxLength)}'`))).toBe(
      'INVALID_ARGUMENT',
    )
  })
})

describe('parseRunOrder', () => {
  it('reads one field and a direction', () => {
    expect(parseRunOrder('metrics.auc DESC')).toEqual({
      field: { kind: 'metric', key: 'auc' },
      direction: 'desc',
    })
    expect(parseRunOrder('start_time')).toEqual({
      field: { kind: 'attribute', key: 'start_time' },
      direction: 'asc',
    })
    expect(codeOf(() => parseRunOrder('metrics.auc DESC, name'))).toBe('PARSE_ERROR')
  })
})

const key = fc.string({ minLength: 1, maxLength: 12 })
const textField: fc.Arbitrary<FilterField> = fc.oneof(
  fc.record({ kind: fc.constantFrom('param' as const, 'tag' as const), key }),
  fc.record({
    kind: fc.constant('attribute' as const),
    key: fc.constantFrom('name' as const, 'run_id' as const, 'parent_run_id' as const),
  }),
)
const numericField: fc.Arbitrary<FilterField> = fc.oneof(
  fc.record({ kind: fc.constant('metric' as const), key }),
  fc.record({
    kind: fc.constant('attribute' as const),
    key: fc.constantFrom('start_time' as const, 'end_time' as const, 'duration' as const),
  }),
)
const num = fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Object.is(x, -0))
const condition: fc.Arbitrary<FilterNode> = fc.oneof(
  fc.record({
    type: fc.constant('compare' as const),
    field: numericField,
    op: fc.constantFrom(
      '=' as const,
      '!=' as const,
      '<' as const,
      '<=' as const,
      '>' as const,
      '>=' as const,
    ),
    value: num,
  }),
  fc.record({
    type: fc.constant('compare' as const),
    field: textField,
    op: fc.constantFrom('=' as const, '!=' as const, 'like' as const, 'ilike' as const),
    value: fc.string({ maxLength: 10 }),
  }),
  fc.record({
    type: fc.constant('in' as const),
    field: numericField,
    negated: fc.boolean(),
    values: fc.array(num, { minLength: 1, maxLength: 4 }),
  }),
  fc.record({
    type: fc.constant('in' as const),
    field: textField,
    negated: fc.boolean(),
    values: fc.array(fc.string({ maxLength: 6 }), { minLength: 1, maxLength: 4 }),
  }),
  fc.record({
    type: fc.constant('null' as const),
    field: fc.oneof(textField, numericField),
    negated: fc.boolean(),
  }),
)
const tree: fc.Arbitrary<FilterNode> = fc
  .letrec<{ node: FilterNode }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      condition,
      fc.record({
        type: fc.constantFrom('and' as const, 'or' as const),
        items: fc.array(tie('node'), { minLength: 2, maxLength: 3 }),
      }),
    ),
  }))
  .node.filter((n) => JSON.stringify(n).length < 3000)

describe('filter text round trip', () => {
  test.prop([tree], { numRuns: 300 })('parse(format(tree)) gives the tree back', (node) => {
    expect(parseRunFilter(formatRunFilter(node))).toEqual(node)
  })

  test.prop([fc.string({ maxLength: 80 })], { numRuns: 500 })(
    'any text either parses or fails with a KeelError, never anything else',
    (text) => {
      const code = codeOf(() => parseRunFilter(text))
      expect([undefined, 'PARSE_ERROR', 'INVALID_ARGUMENT']).toContain(code)
    },
  )

  it('knows every attribute it documents', () => {
    for (const a of RUN_ATTRIBUTES)
      expect(codeOf(() => parseRunFilter(`${a} IS NULL`))).toBeUndefined()
  })
})
