import {
  FrameValidator,
  cellAt,
  type ColumnKind,
  type Frame,
  type SchemaContract,
  type ValidationResult,
} from '@keel/core'
import type { Project } from '../project/index.js'
import { datasetChunks, datasetContract, prepareChunk } from './dataset.js'
import { noRowsError, sourceName } from './no-rows.js'
import type { DataCallOptions } from './read-options.js'
import { readChunks } from './read.js'
import type { SourceSpec } from './source.js'

/** A label value the project's data never had, and how many rows of the batch carry it. */
export interface UnknownLabelClass {
  readonly value: string
  readonly count: number
}

/** What a new batch's label column says. */
export interface BatchLabel {
  readonly column: string
  /** False for a batch to score (no label yet): the contract is checked without the label field. */
  readonly present: boolean
  /**
   * The classes the project knows: the contract's categories for the label, else every value of
   * the label in the project's dataset. Null for regression and boolean labels (the contract's
   * kind check covers those).
   */
  readonly knownClasses: readonly string[] | null
  /** Label values outside `knownClasses`, most frequent first. */
  readonly unknownClasses: readonly UnknownLabelClass[]
}

/** A new batch checked against the project's contract. */
export interface BatchValidation extends ValidationResult {
  /** The batch, as an absolute path (or a table's name). */
  readonly source: string
  /** Columns of the batch the contract does not have (violations only when it forbids them). */
  readonly extraColumns: readonly string[]
  /** The label, for classification projects whose label column is in the contract. */
  readonly label: BatchLabel | null
}

const withoutField = (contract: SchemaContract, name: string): SchemaContract => ({
  ...contract,
  fields: contract.fields.filter((f) => f.name !== name),
})

/** Every value of `column` in the project's dataset, as strings. */
const datasetClasses = async (
  project: Project,
  column: string,
  options: DataCallOptions,
): Promise<string[]> => {
  const seen = new Set<string>()
  for await (const chunk of datasetChunks(project, { ...options, rows: 'all' })) {
    if (!chunk.has(column)) continue
    const c = chunk.column(column)
    for (let i = 0; i < chunk.numRows; i++) {
      const v = cellAt(c, i)
      if (v !== null) seen.add(String(v))
    }
  }
  return [...seen].sort()
}

/** The classes a classification label may take, or null when the kind check is enough. */
const knownLabelClasses = async (
  project: Project,
  contract: SchemaContract,
  options: DataCallOptions,
): Promise<string[] | null> => {
  const { column, task } = project.config.label
  const field = contract.fields.find((f) => f.name === column)
  if (task === 'regression' || !field || field.kind === 'boolean') return null
  if (field.categories) return [...field.categories]
  return datasetClasses(project, column, options)
}

/**
 * Check a new batch (a file of rows that did not exist when the project was set up) against the
 * project's contract, as `keel data validate <file>` does: the batch goes through `dataset.prepare`
 * like the dataset, then through the contract's checks. Beyond the contract's violations it
 * reports the columns the contract does not know and, for a classification project, label values
 * the project never saw (a batch without the label column is one to score: the label field is
 * then not required). `ok` is false when the contract is violated or a label class is unknown.
 * Errors: `INVALID_DATA` for a batch with 0 rows, and those of {@link readChunks}.
 *
 * @example
 * const v = await validateBatch(project, { path: 'data/march.csv' })
 * if (!v.ok) console.log(v.issues, v.extraColumns, v.label?.unknownClasses)
 */
export const validateBatch = async (
  project: Project,
  source: SourceSpec,
  options: DataCallOptions & {
    /** Resolve a relative file path against this folder (default: the working directory). */
    readonly baseDir?: string
    /** The contract to check (default: the project's, see `datasetContract`). */
    readonly contract?: SchemaContract
    /** Check a seeded sample of this many rows of the batch (default: all of them). */
    readonly rows?: number | 'all'
  } = {},
): Promise<BatchValidation> => {
  const { baseDir, contract: given, rows: sampleRows, ...call } = options
  const sample =
    sampleRows === undefined || sampleRows === 'all'
      ? {}
      : { sample: { rows: sampleRows, seed: project.config.seed } }
  const contract = given ?? (await datasetContract(project, call))
  const labelColumn = project.config.label.column
  const known = await knownLabelClasses(project, contract, call)
  const kinds: Record<string, ColumnKind> = Object.fromEntries(
    contract.fields.filter((f) => f.kind === 'text').map((f) => [f.name, f.kind]),
  )
  const name = sourceName(source, baseDir)

  let validator: FrameValidator | undefined
  let first: Frame | undefined
  let rows = 0
  const counts = new Map<string, number>()
  for await (const raw of readChunks(source, {
    ...call,
    ...sample,
    kinds,
    ...(baseDir ? { baseDir } : {}),
  })) {
    const chunk = prepareChunk(project, raw)
    if (!validator) {
      first = chunk
      validator = new FrameValidator(
        chunk.has(labelColumn) ? contract : withoutField(contract, labelColumn),
        { coerce: true },
      )
    }
    validator.push(chunk)
    rows += chunk.numRows
    if (known && chunk.has(labelColumn)) {
      const c = chunk.column(labelColumn)
      for (let i = 0; i < chunk.numRows; i++) {
        const v = cellAt(c, i)
        if (v !== null) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1)
      }
    }
  }
  if (!validator || !first || rows === 0) throw noRowsError(name, 'validate')

  const knownSet = new Set(known ?? [])
  const unknownClasses = [...counts]
    .filter(([value]) => !knownSet.has(value))
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value))
  const fields = new Set(contract.fields.map((f) => f.name))
  const labelInContract = fields.has(labelColumn)
  const v = validator.result()
  return {
    ...v,
    ok: v.ok && unknownClasses.length === 0,
    source: name,
    extraColumns: first.columnNames.filter((c) => !fields.has(c)),
    label: labelInContract
      ? {
          column: labelColumn,
          present: first.has(labelColumn),
          knownClasses: known,
          unknownClasses,
        }
      : null,
  }
}
