/**
 * Compiling a parsed run filter and order into Kysely expressions over the `runs` table. Conditions
 * on metrics, params and tags become `EXISTS` sub-queries on the indexed key/value tables, so a
 * filter never multiplies rows; every value is a bound parameter and every identifier comes from a
 * closed set, so no user text reaches SQL as text.
 */
import { sql, type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool } from 'kysely'
import type { MetadataDialect } from '../../metadata/open.js'
import type { KeelDatabase } from '../../metadata/schema.js'
import type { FilterField, FilterNode, RunAttribute } from './ast.js'
import { checkLikePattern, likeToGlob } from './like.js'

type RunsEb = ExpressionBuilder<KeelDatabase, 'runs'>

/** The key/value table behind each kind of keyed field. */
export const KEYED_TABLES = {
  metric: 'metric_latest',
  param: 'run_params',
  tag: 'run_tags',
} as const

const ATTRIBUTE_COLUMNS: Readonly<Record<Exclude<RunAttribute, 'duration'>, string>> = {
  run_id: 'runs.id',
  name: 'runs.name',
  status: 'runs.status',
  start_time: 'runs.start_time',
  end_time: 'runs.end_time',
  parent_run_id: 'runs.parent_run_id',
}

/** The SQL expression of a run attribute (text attributes in byte order on PostgreSQL). */
export const attributeExpression = (key: RunAttribute): RawBuilder<unknown> =>
  key === 'duration'
    ? sql`(${sql.ref('runs.end_time')} - ${sql.ref('runs.start_time')})`
    : sql.ref(ATTRIBUTE_COLUMNS[key])

/** `target OP value` for one condition, with LIKE/ILIKE made to mean the same on both engines. */
const comparison = (
  target: RawBuilder<unknown>,
  node: Extract<FilterNode, { type: 'compare' }>,
  dialect: MetadataDialect,
): RawBuilder<SqlBool> => {
  const value = node.value
  // Text fields only take =, !=, IN and LIKE (the parser refuses <, > on text), and equality does
  // not depend on collation, so the column is compared as it is and its (key, value) index applies.
  switch (node.op) {
    case '=':
      return sql<SqlBool>`${target} = ${value}`
    case '!=':
      return sql<SqlBool>`${target} <> ${value}`
    case '<':
      return sql<SqlBool>`${target} < ${value}`
    case '<=':
      return sql<SqlBool>`${target} <= ${value}`
    case '>':
      return sql<SqlBool>`${target} > ${value}`
    case '>=':
      return sql<SqlBool>`${target} >= ${value}`
    case 'like':
      return dialect === 'sqlite'
        ? sql<SqlBool>`${target} glob ${likeToGlob(String(value))}`
        : sql<SqlBool>`${target} like ${checkLikePattern(String(value))}`
    case 'ilike':
      return dialect === 'sqlite'
        ? sql<SqlBool>`${target} like ${checkLikePattern(String(value))} escape '\\'`
        : sql<SqlBool>`${target} ilike ${checkLikePattern(String(value))}`
  }
}

const membership = (
  target: RawBuilder<unknown>,
  node: Extract<FilterNode, { type: 'in' }>,
): RawBuilder<SqlBool> => {
  const list = sql.join(node.values.map((v) => sql`${v}`))
  return node.negated
    ? sql<SqlBool>`${target} not in (${list})`
    : sql<SqlBool>`${target} in (${list})`
}

/** `EXISTS (select 1 from <table> f where f.run_id = runs.id and f.key = ? [and <predicate>])`. */
const keyedExists = (
  eb: RunsEb,
  field: Extract<FilterField, { kind: 'metric' | 'param' | 'tag' }>,
  predicate: ((value: RawBuilder<unknown>) => RawBuilder<SqlBool>) | undefined,
  dialect: MetadataDialect,
): Expression<SqlBool> => {
  // The three tables share the (run_id, key, value) shape; naming one for the type checker is
  // enough, the runtime table name is the right one.
  const table = `${KEYED_TABLES[field.kind]} as f` as 'run_tags as f'
  let sub = eb
    .selectFrom(table)
    .select(sql.lit(1).as('one'))
    .whereRef('f.run_id', '=', 'runs.id')
    .where('f.key', '=', field.key)
  // SQLite's planner, without statistics, may answer `value > ?` from the (key, value, run_id) index
  // by scanning the whole value range for every run; the unary `+` (a no-op on any value) keeps the
  // value term off the index, so each probe is one primary-key lookup on (run_id, key).
  const value = dialect === 'sqlite' ? sql`+${sql.ref('f.value')}` : sql.ref('f.value')
  if (predicate) sub = sub.where(predicate(value))
  return eb.exists(sub)
}

/** The Kysely expression for a parsed filter, to use in `.where(...)` on a query over `runs`. */
export const compileRunFilter = (
  eb: RunsEb,
  node: FilterNode,
  dialect: MetadataDialect,
): Expression<SqlBool> => {
  switch (node.type) {
    case 'and':
      return eb.and(node.items.map((item) => compileRunFilter(eb, item, dialect)))
    case 'or':
      return eb.or(node.items.map((item) => compileRunFilter(eb, item, dialect)))
    case 'compare':
    case 'in': {
      const build = (target: RawBuilder<unknown>): RawBuilder<SqlBool> =>
        node.type === 'compare' ? comparison(target, node, dialect) : membership(target, node)
      const field = node.field
      return field.kind === 'attribute'
        ? build(attributeExpression(field.key))
        : keyedExists(eb, field, build, dialect)
    }
    case 'null': {
      const field = node.field
      if (field.kind === 'attribute') {
        const target = attributeExpression(field.key)
        return node.negated ? sql<SqlBool>`${target} is not null` : sql<SqlBool>`${target} is null`
      }
      const exists = keyedExists(eb, field, undefined, dialect)
      return node.negated ? exists : eb.not(exists)
    }
  }
}
