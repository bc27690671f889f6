/**
 * The run filter language, a small and safe subset of SQL's WHERE, close to MLflow's search syntax:
 *
 * ```text
 * filter     := or
 * or         := and ( OR and )*
 * and        := primary ( AND primary )*
 * primary    := '(' or ')' | condition
 * condition  := field op value
 *             | field [NOT] IN '(' value ( ',' value )* ')'
 *             | field IS [NOT] NULL
 * field      := (metrics|params|tags|attributes) '.' key  |  attribute
 * key        := [A-Za-z0-9_./:-]+  |  `any text`  |  "any text"
 * op         := = | != | <> | < | <= | > | >= | LIKE | ILIKE
 * value      := 'text' ('' escapes a quote) | number
 * attribute  := run_id | name | status | start_time | end_time | duration | parent_run_id
 * ```
 *
 * Keywords are case-insensitive. Metrics and time attributes compare as numbers; params, tags and the
 * other attributes as text (a number literal is taken in its text form, so `params.depth = 6`
 * matches a logged 6). `metrics.x IS NULL` selects runs without that metric. The parser returns a
 * syntax tree; values never become SQL text.
 *
 * @example
 * parseRunFilter("metrics.auc > 0.7 AND tags.model = 'gbdt'")
 */
import { KeelError } from '@keel/core'
import {
  RUN_ATTRIBUTES,
  formatField,
  isNumericField,
  type ComparisonOp,
  type FilterField,
  type FilterNode,
  type RunAttribute,
  type RunOrder,
} from './ast.js'
import { syntaxError, tokenize, type Token } from './lexer.js'

/** Bounds that keep a hostile filter from producing a huge query. */
export const FILTER_LIMITS = { maxLength: 4000, maxConditions: 64, maxDepth: 16, maxInValues: 500 }

const RUN_STATUSES = new Set(['running', 'finished', 'failed', 'killed'])

const PREFIXES: Readonly<Record<string, FilterField['kind']>> = {
  metrics: 'metric',
  metric: 'metric',
  params: 'param',
  param: 'param',
  tags: 'tag',
  tag: 'tag',
  attributes: 'attribute',
  attribute: 'attribute',
  attr: 'attribute',
  run: 'attribute',
}

const invalid = (message: string, details: Record<string, unknown> = {}): KeelError =>
  new KeelError('INVALID_ARGUMENT', `filter: ${message}`, { path: ['filter'], details })

const toAttribute = (key: string, source: string, at: number): RunAttribute => {
  const name = key.toLowerCase() === 'id' ? 'run_id' : key.toLowerCase()
  if ((RUN_ATTRIBUTES as readonly string[]).includes(name)) return name as RunAttribute
  throw syntaxError(
    source,
    at,
    `unknown field "${key}" (use metrics.<key>, params.<key>, tags.<key> or one of ${RUN_ATTRIBUTES.join(', ')})`,
  )
}

const checkKey = (key: string, source: string, at: number): string => {
  if (key.length === 0 || key.length > 250)
    throw syntaxError(source, at, 'keys are 1–250 characters')
  return key
}

class Parser {
  #tokens: Token[]
  #pos = 0
  #conditions = 0
  readonly #source: string
  constructor(source: string) {
    this.#source = source
    this.#tokens = tokenize(source)
  }

  get #peek(): Token {
    return this.#tokens[this.#pos] as Token
  }
  #next(): Token {
    const t = this.#peek
    if (t.type !== 'end') this.#pos += 1
    return t
  }
  #isWord(word: string, t: Token = this.#peek): boolean {
    return t.type === 'word' && t.text.toLowerCase() === word
  }
  #expectWord(word: string): void {
    if (!this.#isWord(word))
      throw syntaxError(this.#source, this.#peek.at, `expected ${word.toUpperCase()}`)
    this.#next()
  }
  #expectPunct(text: '(' | ')' | ','): void {
    const t = this.#peek
    if (t.type !== 'punct' || t.text !== text)
      throw syntaxError(this.#source, t.at, `expected "${text}"`)
    this.#next()
  }

  parseFilter(): FilterNode {
    const node = this.#or(0)
    const t = this.#peek
    if (t.type !== 'end') throw syntaxError(this.#source, t.at, 'expected AND, OR or the end')
    return node
  }

  parseOrder(): RunOrder {
    const field = this.#field()
    let direction: 'asc' | 'desc' = 'asc'
    if (this.#isWord('asc') || this.#isWord('desc')) {
      direction = (this.#next() as { text: string }).text.toLowerCase() as 'asc' | 'desc'
    }
    const t = this.#peek
    if (t.type !== 'end') throw syntaxError(this.#source, t.at, 'expected ASC, DESC or the end')
    return { field, direction }
  }

  #or(depth: number): FilterNode {
    const items = [this.#and(depth)]
    while (this.#isWord('or')) {
      this.#next()
      items.push(this.#and(depth))
    }
    return items.length === 1 ? (items[0] as FilterNode) : { type: 'or', items }
  }

  #and(depth: number): FilterNode {
    const items = [this.#primary(depth)]
    while (this.#isWord('and')) {
      this.#next()
      items.push(this.#primary(depth))
    }
    return items.length === 1 ? (items[0] as FilterNode) : { type: 'and', items }
  }

  #primary(depth: number): FilterNode {
    const t = this.#peek
    if (t.type === 'punct' && t.text === '(') {
      if (depth >= FILTER_LIMITS.maxDepth)
        throw invalid(`nested deeper than ${FILTER_LIMITS.maxDepth}`)
      this.#next()
      const node = this.#or(depth + 1)
      this.#expectPunct(')')
      return node
    }
    this.#conditions += 1
    if (this.#conditions > FILTER_LIMITS.maxConditions) {
      throw invalid(`more than ${FILTER_LIMITS.maxConditions} conditions`)
    }
    return this.#condition()
  }

  #field(): FilterField {
    const t = this.#next()
    if (t.type === 'field') {
      const kind = PREFIXES[t.prefix.toLowerCase()]
      if (kind === undefined) {
        throw syntaxError(
          this.#source,
          t.at,
          `unknown prefix "${t.prefix}" (metrics, params, tags, attributes)`,
        )
      }
      if (kind === 'attribute') return { kind, key: toAttribute(t.key, this.#source, t.at) }
      return { kind, key: checkKey(t.key, this.#source, t.at) }
    }
    if (t.type === 'word')
      return { kind: 'attribute', key: toAttribute(t.text, this.#source, t.at) }
    throw syntaxError(this.#source, t.at, 'expected a field such as metrics.auc')
  }

  #value(field: FilterField): string | number {
    const t = this.#next()
    if (t.type === 'string') {
      if (isNumericField(field)) {
        throw invalid(
          `${formatField(field)} is numeric; compare it with a number, not '${t.value}'`,
        )
      }
      return t.value
    }
    if (t.type === 'number') {
      if (!Number.isFinite(t.value)) throw syntaxError(this.#source, t.at, 'numbers must be finite')
      return isNumericField(field) ? t.value : String(t.value)
    }
    throw syntaxError(this.#source, t.at, 'expected a quoted text or a number')
  }

  #condition(): FilterNode {
    const field = this.#field()
    const t = this.#peek
    if (this.#isWord('is')) {
      this.#next()
      const negated = this.#isWord('not')
      if (negated) this.#next()
      this.#expectWord('null')
      return { type: 'null', field, negated }
    }
    if (this.#isWord('not') || this.#isWord('in')) {
      const negated = this.#isWord('not')
      if (negated) this.#next()
      this.#expectWord('in')
      this.#expectPunct('(')
      const values = [this.#value(field)]
      while (this.#peek.type === 'punct' && (this.#peek as { text: string }).text === ',') {
        this.#next()
        values.push(this.#value(field))
      }
      this.#expectPunct(')')
      if (values.length > FILTER_LIMITS.maxInValues) {
        throw invalid(`IN lists are limited to ${FILTER_LIMITS.maxInValues} values`)
      }
      values.forEach((v) => checkValue(field, '=', v))
      return { type: 'in', field, negated, values }
    }
    let op: ComparisonOp
    if (t.type === 'op') op = t.text as ComparisonOp
    else if (this.#isWord('like') || this.#isWord('ilike'))
      op = (t as { text: string }).text.toLowerCase() as ComparisonOp
    else
      throw syntaxError(
        this.#source,
        t.at,
        'expected an operator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, IS)',
      )
    this.#next()
    const value = this.#value(field)
    checkValue(field, op, value)
    return { type: 'compare', field, op, value }
  }
}

/** Reject operator/type combinations that have no meaning (ordering text, LIKE on numbers). */
const checkValue = (field: FilterField, op: ComparisonOp, value: string | number): void => {
  const numeric = isNumericField(field)
  if (numeric && (op === 'like' || op === 'ilike')) {
    throw invalid(`${formatField(field)} is numeric; LIKE applies to text`)
  }
  if (!numeric && ['<', '<=', '>', '>='].includes(op)) {
    throw invalid(`${formatField(field)} is text; only =, !=, LIKE, ILIKE and IN apply`)
  }
  if (field.kind === 'attribute' && field.key === 'status' && op !== 'like' && op !== 'ilike') {
    if (!RUN_STATUSES.has(String(value))) {
      throw invalid(`status is one of ${[...RUN_STATUSES].join(', ')}, not '${String(value)}'`)
    }
  }
}

/**
 * Parse a run filter into its syntax tree.
 *
 * @throws KeelError PARSE_ERROR for a syntax error (with its position), INVALID_ARGUMENT for a
 *   well-formed condition that has no meaning (e.g. `params.x > 1`).
 */
export const parseRunFilter = (source: string): FilterNode => {
  if (source.length > FILTER_LIMITS.maxLength) {
    throw invalid(`longer than ${FILTER_LIMITS.maxLength} characters`)
  }
  return new Parser(source).parseFilter()
}

/**
 * Parse an order such as `metrics.auc DESC` or `start_time` (ascending by default).
 *
 * @throws KeelError PARSE_ERROR when it is not one field and an optional direction.
 */
export const parseRunOrder = (source: string): RunOrder => {
  if (source.length > 300) throw invalid('order is longer than 300 characters')
  try {
    return new Parser(source).parseOrder()
  } catch (e) {
    if (e instanceof KeelError) {
      throw new KeelError(e.code, e.message.replace(/^filter:/, 'orderBy:'), {
        path: ['orderBy'],
        details: e.details,
      })
    }
    throw e
  }
}
