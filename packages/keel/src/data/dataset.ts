import { Frame, KeelError, inferContract, type SchemaContract } from '@keel/core'
import type { Project } from '../project/index.js'
import {
  readChunks,
  scanFrames,
  type DataCallOptions,
  type SampleSpec,
  type ScanResult,
  type SourceSpec,
} from './index.js'
import { noRowsError, sourceName } from './no-rows.js'

/** Options for reading a project's dataset. */
export interface DatasetOptions extends DataCallOptions {
  /** Rows to sample (reservoir, seeded by the project seed); `'all'` reads everything. */
  readonly rows?: number | 'all'
  /** Read only the first `limit` rows (for quick looks). */
  readonly limit?: number
}

/** The source a project trains on: `dataset.source`, or the first source. */
export const datasetSource = (project: Project): { name: string; spec: SourceSpec } => {
  const { sources, dataset } = project.config
  const name = dataset.source ?? Object.keys(sources)[0]!
  const spec = sources[name]
  if (!spec) {
    throw new KeelError(
      'INVALID_CONFIG',
      `dataset.source names "${name}", which is not in sources`,
      {
        path: ['dataset', 'source'],
        details: { sources: Object.keys(sources) },
      },
    )
  }
  return { name, spec: spec as SourceSpec }
}

/** `dataset.prepare` applied to one chunk (the identity without one); a throw is INVALID_CONFIG. */
export const prepareChunk = (project: Project, chunk: Frame): Frame => {
  const prepare = project.config.dataset.prepare as ((f: Frame) => unknown) | undefined
  if (!prepare) return chunk
  let out: unknown
  try {
    out = prepare(chunk)
  } catch (e) {
    throw new KeelError('INVALID_CONFIG', `dataset.prepare failed: ${(e as Error).message}`, {
      path: ['dataset', 'prepare'],
      cause: e,
    })
  }
  if (!(out instanceof Frame)) {
    throw new KeelError('INVALID_CONFIG', 'dataset.prepare must return a Frame', {
      path: ['dataset', 'prepare'],
    })
  }
  return out
}

const sampleOf = (project: Project, rows: number | 'all' | undefined): SampleSpec | undefined => {
  const n = rows ?? project.config.dataset.sample
  return n === undefined || n === 'all' ? undefined : { rows: n, seed: project.config.seed }
}

/**
 * The project's dataset as chunks: source rows (sampled as asked) with `dataset.prepare` applied to
 * each chunk. Prepared chunks are what the schema contract describes.
 */
export async function* datasetChunks(
  project: Project,
  options: DatasetOptions = {},
): AsyncGenerator<Frame> {
  const { spec } = datasetSource(project)
  const sample = sampleOf(project, options.rows)
  for await (const chunk of readChunks(spec, {
    baseDir: project.root,
    ...(sample ? { sample } : {}),
    ...(options.limit === undefined ? {} : { limit: options.limit }),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  })) {
    yield prepareChunk(project, chunk)
  }
}

/** The whole (sampled) dataset in memory. */
export const loadDataset = async (
  project: Project,
  options: DatasetOptions = {},
): Promise<Frame> => {
  const chunks: Frame[] = []
  for await (const c of datasetChunks(project, options)) chunks.push(c)
  if (chunks.length === 0 || chunks.every((c) => c.numRows === 0)) throw datasetHasNoRows(project)
  return Frame.concat(chunks)
}

/** INVALID_DATA naming the dataset, its source and its 0 rows. */
const datasetHasNoRows = (project: Project, task = 'load'): KeelError => {
  const { name, spec } = datasetSource(project)
  return noRowsError(sourceName(spec, project.root), task, { dataset: name })
}

/** The project's contract, or one inferred from `frame` when the config declares none. */
export const projectContract = (project: Project, frame: Frame): SchemaContract => {
  if (project.config.schema) return project.config.schema as SchemaContract
  return inferContract(frame).contract
}

/** Rows sampled to infer a contract when the config declares none. */
export const CONTRACT_INFERENCE_ROWS = 100_000

/**
 * The contract data is checked against: the config's `schema`, else one inferred from a seeded
 * sample of the dataset ({@link CONTRACT_INFERENCE_ROWS} rows).
 */
export const datasetContract = async (
  project: Project,
  options: DataCallOptions = {},
): Promise<SchemaContract> =>
  project.config.schema
    ? (project.config.schema as SchemaContract)
    : projectContract(
        project,
        await loadDataset(project, { ...options, rows: CONTRACT_INFERENCE_ROWS }),
      )

/**
 * Profile, validate and/or fingerprint the whole dataset in one streaming pass, chunk by chunk, so
 * data larger than memory works. A dataset with 0 rows is `INVALID_DATA` naming its source.
 */
export const scanDataset = async (
  project: Project,
  what: { profile?: boolean; contract?: SchemaContract; fingerprint?: boolean },
  options: DatasetOptions = {},
): Promise<ScanResult> => {
  const scan = await scanFrames(datasetChunks(project, options), what)
  if (scan.rows === 0) throw datasetHasNoRows(project, what.contract ? 'validate' : 'profile')
  return scan
}
