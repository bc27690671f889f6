import { KeelError } from '../errors/index.js'
import type { ColumnKind, Frame } from '../frame/index.js'
import { createRng, type Rng } from '../random/index.js'
import {
  columnAccumulator,
  type ColumnAccumulator,
  type ColumnProfile,
  type ProfileOptions,
} from './profile-columns.js'

/** Current version of the profile document. */
export const PROFILE_FORMAT_VERSION = 1

/** The profile of a dataset: plain JSON data, one entry per column in column order. */
export interface FrameProfile {
  readonly format: 'keel-profile'
  readonly formatVersion: number
  readonly rows: number
  readonly columns: readonly ColumnProfile[]
}

/**
 * Profiles data chunk by chunk with mergeable accumulators, so a table larger than memory is
 * profiled while it streams and partial profiles from workers combine with {@link merge}.
 * Every chunk must have the same columns with the same kinds.
 *
 * @example
 * const p = new FrameProfiler()
 * for await (const chunk of readChunks(source)) p.push(chunk)
 * console.log(renderProfile(p.result()))
 */
export class FrameProfiler {
  readonly #options: ProfileOptions
  readonly #rng: Rng
  #columns: { name: string; kind: ColumnKind; acc: ColumnAccumulator }[] | null = null
  #rows = 0

  constructor(options: ProfileOptions = {}) {
    this.#options = options
    this.#rng = options.rng ?? createRng(0)
  }

  #init(names: readonly string[], kinds: readonly ColumnKind[]): void {
    this.#columns = names.map((name, i) => ({
      name,
      kind: kinds[i]!,
      acc: columnAccumulator(kinds[i]!, this.#options, this.#rng.fork(name)),
    }))
  }

  #check(names: readonly string[], kinds: readonly ColumnKind[]): void {
    const cols = this.#columns!
    const same =
      cols.length === names.length &&
      cols.every((c, i) => c.name === names[i] && c.kind === kinds[i])
    if (!same) {
      throw new KeelError(
        'SCHEMA_MISMATCH',
        'chunks being profiled have different columns or kinds',
        {
          details: {
            expected: cols.map((c) => `${c.name}:${c.kind}`),
            got: names.map((n, i) => `${n}:${kinds[i]}`),
          },
        },
      )
    }
  }

  /** Add the next chunk. */
  push(frame: Frame): void {
    const names = frame.columnNames
    const kinds = names.map((n) => frame.kindOf(n))
    if (!this.#columns) this.#init(names, kinds)
    else this.#check(names, kinds)
    for (const c of this.#columns!) c.acc.push(frame.column(c.name))
    this.#rows += frame.numRows
  }

  /** Fold another profiler (over the same columns) into this one. */
  merge(other: FrameProfiler): void {
    if (!other.#columns) return
    if (!this.#columns) {
      this.#init(
        other.#columns.map((c) => c.name),
        other.#columns.map((c) => c.kind),
      )
    }
    this.#check(
      other.#columns.map((c) => c.name),
      other.#columns.map((c) => c.kind),
    )
    this.#columns!.forEach((c, i) => c.acc.merge(other.#columns![i]!.acc))
    this.#rows += other.#rows
  }

  /** Rows profiled so far. */
  get rows(): number {
    return this.#rows
  }

  /** The profile so far. */
  result(): FrameProfile {
    return {
      format: 'keel-profile',
      formatVersion: PROFILE_FORMAT_VERSION,
      rows: this.#rows,
      columns: (this.#columns ?? []).map((c) => c.acc.result(c.name)),
    }
  }
}

/** Profile of a whole frame (see {@link FrameProfiler}). */
export const profileFrame = (frame: Frame, options?: ProfileOptions): FrameProfile => {
  const p = new FrameProfiler(options)
  p.push(frame)
  return p.result()
}
