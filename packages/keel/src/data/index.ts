/**
 * Keel's data I/O: sources (files through DuckDB, PostgreSQL), chunked reading into Frames, and
 * streaming profile / validation / fingerprint passes over them.
 *
 * @module
 */
export {
  sourceSpecSchema,
  inferFormat,
  isPostgresSource,
  describeSource,
  type SourceSpec,
  type FileSourceSpec,
  type PostgresSourceSpec,
  type DataFormat,
  type CsvOptions,
} from './source.js'
export {
  DEFAULT_CHUNK_ROWS,
  type ReadOptions,
  type DataCallOptions,
  type DataProgress,
  type WherePredicate,
  type WhereOp,
  type SampleSpec,
} from './read-options.js'
export { readChunks, readFrame, describeColumns, type SourceColumn } from './read.js'
export {
  scanSource,
  scanFrames,
  profileSource,
  validateSource,
  fingerprintSource,
  type ScanOptions,
  type ScanParts,
  type ScanResult,
} from './scan.js'
export {
  DatasetFingerprinter,
  fingerprintFrame,
  FINGERPRINT_VERSION,
  type DatasetFingerprint,
} from './fingerprint.js'
