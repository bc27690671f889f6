/**
 * `searchRuns`: one query selects a page of run rows (filter as EXISTS sub-queries, order by one
 * field with the run id as tie-breaker, keyset pagination), then the page's details are loaded by
 * id. The cursor carries the last row's sort value and id, plus a hash of the query so that it
 * cannot be replayed against a different one.
 */
import { createHash } from 'node:crypto'
import { sql, type SqlBool } from 'kysely'
import { KeelError } from '@keel/core'
import type { MetadataStore } from '../metadata/open.js'
import type { RunOrder } from './filter/ast.js'
import { attributeExpression, compileRunFilter, KEYED_TABLES } from './filter/compile.js'
import { parseRunFilter, parseRunOrder } from './filter/parse.js'
import { recordsFor, selectRunRows, type RunRow } from './run-rows.js'
import type { RunPage, SearchRunsOptions } from './types.js'

/** Largest page {@link searchRuns} returns. */
export const MAX_PAGE_SIZE = 1000
const DEFAULT_ORDER = 'attributes.start_time DESC'

interface Cursor {
  readonly q: string
  readonly v: string | number | null
  readonly id: string
}

const encodeCursor = (c: Cursor): string => Buffer.from(JSON.stringify(c)).toString('base64url')

const decodeCursor = (text: string, queryHash: string): Cursor => {
  const bad = (): KeelError =>
    new KeelError('INVALID_ARGUMENT', 'cursor is not valid for this search', { path: ['cursor'] })
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
  } catch {
    throw bad()
  }
  const c = parsed as Partial<Cursor>
  const okValue = c.v === null || typeof c.v === 'string' || typeof c.v === 'number'
  if (
    typeof c !== 'object' ||
    c === null ||
    c.q !== queryHash ||
    !okValue ||
    typeof c.id !== 'string'
  ) {
    throw bad()
  }
  return { q: c.q, v: c.v ?? null, id: c.id }
}

/** Resolve experiment names to ids; an unknown name is NOT_FOUND. */
const experimentIds = async (store: MetadataStore, names: readonly string[]): Promise<string[]> => {
  const rows = await store.db
    .selectFrom('experiments')
    .select(['id', 'name'])
    .where('name', 'in', names)
    .execute()
  const missing = names.filter((n) => !rows.some((r) => r.name === n))
  if (missing.length > 0) {
    throw new KeelError('NOT_FOUND', `experiment "${missing[0]}" does not exist`, {
      path: ['experiment'],
      details: { missing },
    })
  }
  return rows.map((r) => r.id)
}

/** Search runs; see {@link SearchRunsOptions}. */
export const searchRuns = async (
  store: MetadataStore,
  options: SearchRunsOptions = {},
): Promise<RunPage> => {
  const limit = options.limit ?? 100
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new KeelError('INVALID_ARGUMENT', `limit must be an integer in 1–${MAX_PAGE_SIZE}`, {
      path: ['limit'],
    })
  }
  const filter = options.filter?.trim() ? parseRunFilter(options.filter) : undefined
  const order: RunOrder = parseRunOrder(options.orderBy?.trim() || DEFAULT_ORDER)
  const names =
    options.experiment === undefined
      ? undefined
      : typeof options.experiment === 'string'
        ? [options.experiment]
        : [...options.experiment]
  const queryHash = createHash('sha256')
    .update(
      JSON.stringify([
        names ?? null,
        options.parentRunId === undefined ? 'any' : options.parentRunId,
        filter ?? null,
        order,
      ]),
    )
    .digest('hex')
    .slice(0, 16)
  const cursor = options.cursor ? decodeCursor(options.cursor, queryHash) : undefined
  const experiments = names === undefined ? undefined : await experimentIds(store, names)

  const direction = order.direction
  const after = direction === 'desc' ? sql.raw('<') : sql.raw('>')
  const filtered = () => {
    let q = selectRunRows(store.db)
    if (experiments !== undefined) q = q.where('runs.experiment_id', 'in', experiments)
    if (options.parentRunId === null) q = q.where('runs.parent_run_id', 'is', null)
    else if (options.parentRunId !== undefined) {
      q = q.where('runs.parent_run_id', '=', options.parentRunId)
    }
    if (filter) q = q.where((eb) => compileRunFilter(eb, filter, store.dialect))
    return q
  }
  let rows: (RunRow & { sort_value: unknown })[]
  if (order.field.kind === 'attribute') {
    // Text columns are byte-ordered on both engines (PostgreSQL columns use the "C" collation).
    const sort = attributeExpression(order.field.key)
    let q = filtered().select(sort.as('sort_value'))
    if (cursor) {
      q = q.where(
        cursor.v === null
          ? sql<SqlBool>`(${sort} is null and runs.id ${after} ${cursor.id})`
          : sql<SqlBool>`(${sort} ${after} ${cursor.v} or (${sort} = ${cursor.v} and runs.id ${after} ${cursor.id}) or ${sort} is null)`,
      )
    }
    rows = (await q
      .orderBy(sort, (ob) => (direction === 'desc' ? ob.desc() : ob.asc()).nullsLast())
      .orderBy('runs.id', direction)
      .limit(limit + 1)
      .execute()) as typeof rows
  } else {
    // Ordered by a metric, param or tag: first the runs that have the key, read in the order of the
    // (key, value, run_id) index so that a page costs about a page of index entries; then, once
    // those are exhausted, the runs without it (NULLS LAST), by id.
    const table = `${KEYED_TABLES[order.field.kind]} as o` as 'run_tags as o'
    const key = order.field.key
    rows = []
    if (cursor?.v !== null) {
      let q = filtered()
        .innerJoin(table, (join) => join.onRef('o.run_id', '=', 'runs.id').on('o.key', '=', key))
        .select('o.value as sort_value')
      if (cursor) {
        q = q.where(
          sql<SqlBool>`(o.value ${after} ${cursor.v} or (o.value = ${cursor.v} and o.run_id ${after} ${cursor.id}))`,
        )
      }
      rows = (await q
        .orderBy('o.value', direction)
        .orderBy('o.run_id', direction)
        .limit(limit + 1)
        .execute()) as typeof rows
    }
    if (rows.length <= limit) {
      const keyed = `${KEYED_TABLES[order.field.kind]} as f` as 'run_tags as f'
      let q = filtered()
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom(keyed)
                .select(sql.lit(1).as('one'))
                .whereRef('f.run_id', '=', 'runs.id')
                .where('f.key', '=', key),
            ),
          ),
        )
        .select(sql<null>`null`.as('sort_value'))
      if (cursor?.v === null) q = q.where('runs.id', direction === 'desc' ? '<' : '>', cursor.id)
      const rest = (await q
        .orderBy('runs.id', direction)
        .limit(limit + 1 - rows.length)
        .execute()) as typeof rows
      rows = [...rows, ...rest]
    }
  }

  const page = rows.slice(0, limit)
  const runs = await recordsFor(store.db, page)
  const last = page[page.length - 1]
  if (rows.length <= limit || last === undefined) return { runs }
  const v = last.sort_value
  const value = v === null || v === undefined ? null : typeof v === 'number' ? v : String(v)
  return { runs, nextCursor: encodeCursor({ q: queryHash, v: value, id: last.id }) }
}
