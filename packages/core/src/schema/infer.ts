import { Frame } from '../frame/index.js'
import type { ContractField, FieldRole, SchemaContract } from './contract.js'
import type { ColumnProfile, StringProfile } from './profile-columns.js'
import { profileFrame, type FrameProfile } from './profile.js'

/** Options of {@link inferContract}. */
export interface InferContractOptions {
  /** The label column, when known. Otherwise a column named `label`, `target` or `y` is taken. */
  readonly label?: string
  /**
   * Also pin what the data shows: no missing values → `nullable: false`, observed min/max →
   * `range`, a small set of categories (≤ `maxCategories`, counted exactly) → `categories`.
   * Useful to freeze a reference dataset; too tight for data that legitimately varies.
   */
  readonly strict?: boolean
  /** Largest category set pinned by `strict` (default 50). */
  readonly maxCategories?: number
}

/** Why inference chose a kind or role, for people reviewing the suggested contract. */
export interface InferenceNote {
  readonly column: string
  readonly message: string
}

/** A suggested contract and the reasons behind it. */
export interface InferredContract {
  readonly contract: SchemaContract
  readonly notes: readonly InferenceNote[]
}

const ID_NAME = /(^|[_\-.\s])(id|uuid|guid|key)$|^(id|uuid|guid)$|[a-z0-9](Id|ID|Uuid|Key)$/
const LABEL_NAMES = new Set(['label', 'target', 'y', 'class', 'outcome'])
const WEIGHT_NAME = /^(sample_?)?weights?$/i
const GROUP_NAME = /(^|_)group(_id)?$/i

/**
 * True when a string column looks like free text rather than categories: mostly distinct values,
 * long on average, and spaces in most of the frequent ones. Ids (distinct but short and without
 * spaces) stay categorical.
 */
export const looksLikeFreeText = (p: StringProfile): boolean => {
  const present = p.count - p.missing
  if (present === 0 || !p.length) return false
  const distinctShare = p.distinct.value / present
  const spaced = p.top.filter((t) => /\s/.test(t.value.trim())).length
  return distinctShare > 0.5 && p.length.mean >= 20 && spaced * 2 >= p.top.length
}

/**
 * Suggest a schema contract from data: kinds from the column kinds (strings that look like free
 * text become `text`), roles from names and cardinality:
 * - a column named like an id (`id`, `*_id`, `userId`, `uuid`, `*_key`) whose values are all
 *   distinct and present → `id` with `unique: true`; the same name with repeats → `entity`;
 * - a timestamp column → `timestamp`;
 * - `label` option, else a column named label / target / y / class / outcome → `label`;
 * - `weight` / `sample_weight` → `weight`, `group` / `*_group` → `group`;
 * - a constant column → `ignore` (it carries no information).
 * Everything else is a `feature`. Accepts a Frame or a profile (from `profileSource` for data too
 * large to load); the suggestion is a starting point to review, and `notes` says why.
 */
export const inferContract = (
  data: Frame | FrameProfile,
  options: InferContractOptions = {},
): InferredContract => {
  const maxCategories = options.maxCategories ?? 50
  const profile =
    data instanceof Frame ? profileFrame(data, { topK: Math.max(10, maxCategories) }) : data
  const notes: InferenceNote[] = []
  const note = (column: string, message: string): void => {
    notes.push({ column, message })
  }
  const explicitLabel = options.label
  const fields = profile.columns.map((c): ContractField => {
    const present = c.count - c.missing
    let kind = c.kind
    if (c.kind === 'categorical' && looksLikeFreeText(c)) {
      kind = 'text'
      note(c.name, 'mostly distinct long strings with spaces: free text')
    }
    let role: FieldRole = 'feature'
    let unique = false
    const allDistinct = c.distinct.exact && present > 0 && c.distinct.value === c.count
    if (explicitLabel === c.name || (!explicitLabel && LABEL_NAMES.has(c.name.toLowerCase()))) {
      role = 'label'
      note(c.name, explicitLabel ? 'the label column' : 'named like a label')
    } else if (ID_NAME.test(c.name) && c.kind !== 'boolean') {
      if (allDistinct) {
        role = 'id'
        unique = true
        note(c.name, 'named like an id and every value is distinct')
      } else {
        role = 'entity'
        note(c.name, 'named like an id with repeated values: an entity key')
      }
    } else if (c.kind === 'timestamp') {
      role = 'timestamp'
      note(c.name, 'timestamp column')
    } else if (WEIGHT_NAME.test(c.name) && c.kind === 'numeric') {
      role = 'weight'
      note(c.name, 'named like sample weights')
    } else if (GROUP_NAME.test(c.name)) {
      role = 'group'
      note(c.name, 'named like a group')
    } else if (present > 0 && c.distinct.exact && c.distinct.value <= 1) {
      role = 'ignore'
      note(c.name, 'a single value: carries no information')
    } else if (c.kind === 'categorical' && present > 0 && c.distinct.value > 0.5 * present) {
      note(c.name, `high-cardinality categorical (${c.distinct.value} values)`)
    }
    return {
      name: c.name,
      kind,
      role,
      ...(unique ? { unique: true, nullable: false } : {}),
      ...(role === 'label' && c.missing === 0 ? { nullable: false } : {}),
      ...(options.strict ? strictConstraints(c, maxCategories) : {}),
    }
  })
  return { contract: { fields }, notes }
}

const strictConstraints = (c: ColumnProfile, maxCategories: number): Partial<ContractField> => {
  const out: { nullable?: boolean; range?: { min: number; max: number }; categories?: string[] } =
    {}
  if (c.missing === 0) out.nullable = false
  if ((c.kind === 'numeric' || c.kind === 'timestamp') && c.min !== null && c.max !== null) {
    out.range = { min: c.min, max: c.max }
  }
  if (
    c.kind === 'categorical' &&
    c.topExact &&
    c.distinct.exact &&
    c.distinct.value <= maxCategories &&
    c.top.length === c.distinct.value
  ) {
    out.categories = c.top.map((t) => t.value).sort()
  }
  return out
}
