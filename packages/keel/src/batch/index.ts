/**
 * Batch prediction: a whole table through a bundle into one Parquet, CSV or NDJSON file, in
 * chunks, resumable, and identical to what the HTTP service answers for the same rows.
 *
 * @module
 */
export {
  predictBatch,
  type PredictBatchOptions,
  type BatchResult,
  type BatchProgress,
} from './predict-batch.js'
export {
  outputFormatOf,
  outputColumns,
  type BatchOutputFormat,
  type OutputColumn,
} from './output-format.js'
export type { BatchManifest, ManifestChunk } from './manifest.js'
