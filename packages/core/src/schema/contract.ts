import { KeelError } from '../errors/index.js'
import type { Cell, ColumnKind, Row } from '../frame/index.js'

/**
 * What a column is for. `feature` columns feed models; `label` is the target; `timestamp` orders
 * rows in time (and makes time-based splits the default); `entity` keys join features (a user, an
 * airport); `weight` holds sample weights; `group` keeps related rows in one split; `id` identifies
 * a row; `ignore` is carried along but never used.
 */
export type FieldRole =
  'feature' | 'label' | 'timestamp' | 'entity' | 'weight' | 'group' | 'id' | 'ignore'

/** Every role, in documentation order. */
export const FIELD_ROLES: readonly FieldRole[] = Object.freeze([
  'feature',
  'label',
  'timestamp',
  'entity',
  'weight',
  'group',
  'id',
  'ignore',
])

/**
 * A custom check of one field. Return `true` when the value is fine, `false` or a message when
 * it is not. Missing values are not passed to field checks (nullability is its own constraint).
 */
export interface FieldCheck {
  readonly name: string
  readonly check: (value: Exclude<Cell, null>, row: Row) => boolean | string
}

/**
 * A custom check across fields of a row, e.g. `arrival >= departure`. Return `true` when the row is
 * fine, `false` or a message when it is not. `columns` names the fields it reads, for reports.
 */
export interface RowCheck {
  readonly name: string
  readonly columns?: readonly string[]
  readonly check: (row: Row) => boolean | string
}

/** A bound of a range: a number, or for timestamps an ISO-8601 string or epoch milliseconds. */
export type RangeBound = number | string

/** One column of a {@link SchemaContract}. */
export interface ContractField {
  readonly name: string
  readonly kind: ColumnKind
  /** Default `feature`. */
  readonly role?: FieldRole
  readonly description?: string
  /** `false` forbids missing values. Default `true`. */
  readonly nullable?: boolean
  /** Largest allowed share of missing values, in [0, 1] (checked over the whole data). */
  readonly maxNullRate?: number
  /** Inclusive bounds for numeric, boolean (0/1) and timestamp fields. */
  readonly range?: { readonly min?: RangeBound; readonly max?: RangeBound }
  /** The allowed values of a categorical or text field. */
  readonly categories?: readonly string[]
  /** Every non-missing value must differ (ids). */
  readonly unique?: boolean
  /** Allow ±Infinity in numeric fields. Default `false`: infinities are violations. */
  readonly allowInfinite?: boolean
  readonly checks?: readonly FieldCheck[]
}

/**
 * The schema contract: the columns a dataset must have, their kinds, roles and constraints, and
 * custom checks. Pinned at fit and checked at every boundary; violations come back as data (see
 * `validateFrame`).
 *
 * @example
 * const contract = defineContract({
 *   fields: [
 *     { name: 'flight_id', kind: 'categorical', role: 'id', unique: true, nullable: false },
 *     { name: 'date', kind: 'timestamp', role: 'timestamp', nullable: false },
 *     { name: 'delay', kind: 'numeric', role: 'label', range: { min: -120, max: 2000 } },
 *     { name: 'origin', kind: 'categorical', role: 'entity' },
 *   ],
 *   checks: [{ name: 'no self-loops', columns: ['origin', 'destination'],
 *              check: (r) => r.origin !== r.destination }],
 * })
 */
export interface SchemaContract {
  readonly fields: readonly ContractField[]
  readonly checks?: readonly RowCheck[]
  /** Columns not in the contract: `allow` (default) ignores them, `forbid` reports each. */
  readonly extraColumns?: 'allow' | 'forbid'
}

/** The role of `field`, with the default applied. */
export const roleOf = (field: ContractField): FieldRole => field.role ?? 'feature'

/** Names of the fields with `role`, in contract order. */
export const fieldsWithRole = (contract: SchemaContract, role: FieldRole): string[] =>
  contract.fields.filter((f) => roleOf(f) === role).map((f) => f.name)

/** The field called `name`, or undefined. */
export const contractField = (contract: SchemaContract, name: string): ContractField | undefined =>
  contract.fields.find((f) => f.name === name)

/**
 * A range bound as a number: numbers as they are, strings as ISO-8601 instants in epoch ms
 * (UTC when no offset is given). An unreadable string is an `INVALID_CONFIG` error.
 */
export const resolveBound = (field: string, bound: RangeBound | undefined): number | undefined => {
  if (bound === undefined || typeof bound === 'number') return bound
  const t = parseInstant(bound)
  if (t === undefined) {
    throw new KeelError(
      'INVALID_CONFIG',
      `field "${field}": range bound "${bound}" is not a date`,
      {
        path: ['fields', field, 'range'],
      },
    )
  }
  return t
}

const ISO_INSTANT =
  /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/

/**
 * Epoch ms of an ISO-8601 date (`2001-01-31`) or date-time (`2001-01-31 08:15[:00[.123]][Z|+02:00]`);
 * `undefined` for anything else. A date-time without an offset is read as UTC, never in the
 * machine's time zone, so the same text means the same instant everywhere.
 */
export const parseInstant = (text: string): number | undefined => {
  const m = ISO_INSTANT.exec(text.trim())
  if (!m) return undefined
  const [y, mo, d] = m[1]!.split('-').map(Number) as [number, number, number]
  // Date.parse rolls 2001-02-30 over to March; a calendar date must exist as written.
  if (new Date(Date.UTC(y, mo - 1, d)).getUTCDate() !== d) return undefined
  const seconds = m[3] ?? '00'
  const millis = (m[4] ?? '').slice(0, 3).padEnd(3, '0')
  let zone = m[5] ?? 'Z'
  if (zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '')
    zone = `${zone[0]}${digits.slice(0, 2)}:${digits.slice(2).padEnd(2, '0')}`
  }
  const t = Date.parse(`${m[1]}T${m[2] ?? '00:00'}:${seconds}.${millis}${zone}`)
  return Number.isNaN(t) ? undefined : t
}
