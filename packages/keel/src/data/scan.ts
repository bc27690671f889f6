import {
  FrameProfiler,
  type Frame,
  FrameValidator,
  type FrameProfile,
  type ProfileOptions,
  type SchemaContract,
  type ValidationResult,
} from '@keel/core'
import { DatasetFingerprinter, type DatasetFingerprint } from './fingerprint.js'
import { readChunks } from './read.js'
import type { ReadOptions } from './read-options.js'
import type { SourceSpec } from './source.js'
import { noRowsError, sourceName } from './no-rows.js'

/** What one pass computes: any of profile, validation and fingerprint. */
export interface ScanParts {
  /** Profile every column (options tune sketch sizes). */
  readonly profile?: boolean | ProfileOptions
  /** Validate against this contract (values of another kind are cast and failures reported). */
  readonly contract?: SchemaContract
  /** Compute the dataset fingerprint. */
  readonly fingerprint?: boolean
}

/** Options of {@link scanSource}: the parts to compute and how to read. */
export interface ScanOptions extends Omit<ReadOptions, 'contract'>, ScanParts {}

/** The results of a scan; each part is present when it was asked for. */
export interface ScanResult {
  readonly rows: number
  readonly profile?: FrameProfile
  readonly validation?: ValidationResult
  readonly fingerprint?: DatasetFingerprint
}

/**
 * Profile, validate and fingerprint a stream of chunks in one pass, in bounded memory (except the
 * value sets kept for `unique` contract fields). The profile and fingerprint see the chunks as
 * they are; validation casts columns to the contract's kinds first and reports values that cannot
 * be cast as `wrong_kind`. Use it over any chunk source (a prepared dataset, a query).
 */
export const scanFrames = async (
  chunks: AsyncIterable<Frame>,
  parts: ScanParts,
): Promise<ScanResult> => {
  const { profile, contract, fingerprint } = parts
  const profiler = profile ? new FrameProfiler(profile === true ? {} : profile) : undefined
  const validator = contract ? new FrameValidator(contract, { coerce: true }) : undefined
  const fingerprinter = fingerprint ? new DatasetFingerprinter() : undefined
  let rows = 0
  for await (const chunk of chunks) {
    profiler?.push(chunk)
    validator?.push(chunk)
    fingerprinter?.push(chunk)
    rows += chunk.numRows
  }
  return {
    rows,
    ...(profiler ? { profile: profiler.result() } : {}),
    ...(validator ? { validation: validator.result() } : {}),
    ...(fingerprinter ? { fingerprint: fingerprinter.result() } : {}),
  }
}

/**
 * One streaming pass over a source that profiles, validates and fingerprints it together (see
 * {@link scanFrames}). This is what `keel data profile` runs: reading dominates the cost, so doing
 * all three at once is nearly free.
 */
export const scanSource = async (
  source: SourceSpec,
  options: ScanOptions = {},
): Promise<ScanResult> => {
  const { profile, contract, fingerprint, ...read } = options
  // Contract text fields still guide the reader (no dictionary), without strict casting.
  const textFields = (contract?.fields ?? [])
    .filter((f) => f.kind === 'text')
    .map((f) => [f.name, f.kind])
  const kinds = { ...Object.fromEntries(textFields), ...read.kinds }
  return scanFrames(readChunks(source, { ...read, kinds }), {
    ...(profile === undefined ? {} : { profile }),
    ...(contract === undefined ? {} : { contract }),
    ...(fingerprint === undefined ? {} : { fingerprint }),
  })
}

/**
 * Profile of a source, streamed chunk by chunk (see `FrameProfiler`). A source with 0 rows (a CSV
 * with only its header) is `INVALID_DATA` naming it.
 */
export const profileSource = async (
  source: SourceSpec,
  options: Omit<ScanOptions, 'profile' | 'fingerprint' | 'contract'> & ProfileOptions = {},
): Promise<FrameProfile> => {
  const { quantileCapacity, distinctExactLimit, topK, bins, rng, ...read } = options
  const profile: ProfileOptions = {
    ...(quantileCapacity === undefined ? {} : { quantileCapacity }),
    ...(distinctExactLimit === undefined ? {} : { distinctExactLimit }),
    ...(topK === undefined ? {} : { topK }),
    ...(bins === undefined ? {} : { bins }),
    ...(rng === undefined ? {} : { rng }),
  }
  const scan = await scanSource(source, { ...read, profile })
  if (scan.rows === 0) throw noRowsError(sourceName(source, read.baseDir), 'profile')
  return scan.profile!
}

/**
 * Validation of a source against a contract, streamed chunk by chunk (see `FrameValidator`). A
 * source with 0 rows is `INVALID_DATA` naming it, not an empty batch that passes.
 */
export const validateSource = async (
  source: SourceSpec,
  contract: SchemaContract,
  options: Omit<ScanOptions, 'profile' | 'fingerprint' | 'contract'> = {},
): Promise<ValidationResult> => {
  const scan = await scanSource(source, { ...options, contract })
  if (scan.rows === 0) throw noRowsError(sourceName(source, options.baseDir), 'validate')
  return scan.validation!
}

/** Fingerprint of a source, streamed chunk by chunk (see `DatasetFingerprinter`). */
export const fingerprintSource = async (
  source: SourceSpec,
  options: Omit<ScanOptions, 'profile' | 'fingerprint' | 'contract'> = {},
): Promise<DatasetFingerprint> =>
  (await scanSource(source, { ...options, fingerprint: true })).fingerprint!
