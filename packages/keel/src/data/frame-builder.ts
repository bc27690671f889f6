import {
  Frame,
  looksLikeFreeText,
  profileFrame,
  type Column,
  type ColumnKind,
  type StringProfile,
} from '@keel/core'

/**
 * Column builders that readers fill row-batch by row-batch and cut into Frames. Categorical
 * dictionaries persist across the chunks of one read, so a category has the same code in every
 * chunk (each chunk gets a frozen snapshot of the dictionary so far). A full buffer is handed to
 * the Frame as it is (no copy) and the builder starts a fresh one.
 */

/** Hand the buffer over when at least this share of it is used; copy the used part otherwise. */
const HAND_OVER = 0.75

/** A numeric, boolean or timestamp column under construction. */
export class NumberBuilder {
  readonly kind: 'numeric' | 'boolean' | 'timestamp'
  readonly capacity: number
  values: Float64Array
  size = 0

  constructor(kind: 'numeric' | 'boolean' | 'timestamp', capacity: number) {
    this.kind = kind
    this.capacity = capacity
    this.values = new Float64Array(0)
  }

  reserve(extra: number): void {
    if (this.size + extra <= this.values.length) return
    const bigger = new Float64Array(
      Math.max(this.size + extra, this.values.length * 2, this.capacity),
    )
    bigger.set(this.values.subarray(0, this.size))
    this.values = bigger
  }

  push(x: number): void {
    this.reserve(1)
    this.values[this.size++] = x
  }

  take(): Column {
    const n = this.size
    const out =
      n >= HAND_OVER * this.values.length ? this.values.subarray(0, n) : this.values.slice(0, n)
    if (out.buffer === this.values.buffer) this.values = new Float64Array(0)
    this.size = 0
    return Object.freeze({ kind: this.kind, values: out })
  }
}

/** Most short strings cached by raw bytes per column; beyond it, strings are looked up as text. */
const RAW_CACHE_LIMIT = 1 << 20

/**
 * Codes of inline strings (≤ 12 UTF-8 bytes) keyed by their raw bytes: the length and three
 * 32-bit words. Open addressing over typed arrays, so a lookup allocates nothing and decodes
 * nothing; a category's bytes are turned into a JS string once per read.
 */
export class RawStringCodes {
  #keys = new Int32Array(4 * 64)
  #codes = new Int32Array(64).fill(-1)
  #size = 0

  /** The code stored for these words, or -1. */
  get(len: number, a: number, b: number, c: number): number {
    const mask = this.#codes.length - 1
    const keys = this.#keys
    let j = RawStringCodes.#hash(len, a, b, c) & mask
    for (;;) {
      const code = this.#codes[j]!
      if (code < 0) return -1
      const k = 4 * j
      if (keys[k] === len && keys[k + 1] === a && keys[k + 2] === b && keys[k + 3] === c)
        return code
      j = (j + 1) & mask
    }
  }

  /** Remember `code` for these words; false when the cache is full (the caller falls back). */
  set(len: number, a: number, b: number, c: number, code: number): boolean {
    if (this.#size >= RAW_CACHE_LIMIT) return false
    if (2 * (this.#size + 1) > this.#codes.length) this.#grow()
    const mask = this.#codes.length - 1
    let j = RawStringCodes.#hash(len, a, b, c) & mask
    while (this.#codes[j]! >= 0) j = (j + 1) & mask
    this.#keys.set([len, a, b, c], 4 * j)
    this.#codes[j] = code
    this.#size++
    return true
  }

  clear(): void {
    this.#keys = new Int32Array(4 * 64)
    this.#codes = new Int32Array(64).fill(-1)
    this.#size = 0
  }

  #grow(): void {
    const oldKeys = this.#keys
    const oldCodes = this.#codes
    this.#keys = new Int32Array(oldKeys.length * 2)
    this.#codes = new Int32Array(oldCodes.length * 2).fill(-1)
    this.#size = 0
    for (let j = 0; j < oldCodes.length; j++) {
      const code = oldCodes[j]!
      if (code >= 0)
        this.set(
          oldKeys[4 * j]!,
          oldKeys[4 * j + 1]!,
          oldKeys[4 * j + 2]!,
          oldKeys[4 * j + 3]!,
          code,
        )
    }
  }

  static #hash(len: number, a: number, b: number, c: number): number {
    let h = Math.imul(len ^ 0x9e3779b9, 0x85ebca6b)
    h = Math.imul(h ^ a, 0xcc9e2d51)
    h = Math.imul(h ^ (h >>> 15) ^ b, 0x1b873593)
    h = Math.imul(h ^ (h >>> 13) ^ c, 0xc2b2ae35)
    return (h ^ (h >>> 16)) >>> 0
  }
}

/** A string column under construction: dictionary codes, or plain text. */
export class StringBuilder {
  kind: 'categorical' | 'text'
  /** True when the kind was chosen by the caller; otherwise the first chunk may switch to text. */
  readonly fixed: boolean
  readonly capacity: number
  codes: Int32Array
  texts: (string | null)[] = []
  size = 0
  readonly dictionary: string[] = []
  readonly index = new Map<string, number>()
  /** Codes of inline strings keyed by their raw bytes (see the DuckDB decoder). */
  readonly raw = new RawStringCodes()

  constructor(kind: 'categorical' | 'text', fixed: boolean, capacity: number) {
    this.kind = kind
    this.fixed = fixed
    this.capacity = capacity
    this.codes = new Int32Array(0)
  }

  reserve(extra: number): void {
    if (this.kind !== 'categorical' || this.size + extra <= this.codes.length) return
    const bigger = new Int32Array(Math.max(this.size + extra, this.codes.length * 2, this.capacity))
    bigger.set(this.codes.subarray(0, this.size))
    this.codes = bigger
  }

  /** Code of `s`, adding it to the dictionary when new. */
  code(s: string): number {
    let c = this.index.get(s)
    if (c === undefined) {
      c = this.dictionary.length
      this.dictionary.push(s)
      this.index.set(s, c)
    }
    return c
  }

  push(s: string | null): void {
    if (this.kind === 'text') {
      this.texts.push(s)
      this.size++
      return
    }
    this.reserve(1)
    this.codes[this.size++] = s === null ? -1 : this.code(s)
  }

  /** Switch to plain text (before the first chunk is emitted). */
  toText(): void {
    const texts: (string | null)[] = new Array<string | null>(this.size)
    for (let i = 0; i < this.size; i++) {
      const c = this.codes[i]!
      texts[i] = c < 0 ? null : this.dictionary[c]!
    }
    this.kind = 'text'
    this.texts = texts
    this.codes = new Int32Array(0)
    this.dictionary.length = 0
    this.index.clear()
    this.raw.clear()
  }

  take(): Column {
    const n = this.size
    this.size = 0
    if (this.kind === 'text') {
      const values = this.texts
      this.texts = []
      return Object.freeze({ kind: 'text', values: Object.freeze(values) })
    }
    const codes =
      n >= HAND_OVER * this.codes.length ? this.codes.subarray(0, n) : this.codes.slice(0, n)
    if (codes.buffer === this.codes.buffer) this.codes = new Int32Array(0)
    return Object.freeze({
      kind: 'categorical',
      codes,
      dictionary: Object.freeze(this.dictionary.slice()),
    })
  }
}

/** Rows of the first chunk that decide between categorical and text. */
const PROBE_ROWS = 65_536

/** Any column builder. */
export type ColumnBuilder = NumberBuilder | StringBuilder

/** Builders for `kinds`; `fixed` marks string columns whose kind the caller chose. */
export const createBuilders = (
  kinds: readonly ColumnKind[],
  fixed: readonly boolean[],
  capacity: number,
): ColumnBuilder[] =>
  kinds.map((k, i) =>
    k === 'categorical' || k === 'text'
      ? new StringBuilder(k, fixed[i] ?? false, capacity)
      : new NumberBuilder(k, capacity),
  )

/**
 * The buffered rows as a Frame, emptying the builders. On the first chunk, string columns whose
 * kind was not fixed become text when they look like free text (see `looksLikeFreeText`); the
 * choice then holds for the rest of the read.
 */
export const takeFrame = (
  names: readonly string[],
  builders: ColumnBuilder[],
  first: boolean,
): Frame => {
  if (first) {
    for (const b of builders) {
      if (!(b instanceof StringBuilder) || b.fixed || b.kind !== 'categorical' || b.size === 0)
        continue
      // The first rows decide (a whole-table read has just one chunk).
      const probe = Frame.fromColumns({
        s: Object.freeze({
          kind: 'categorical',
          codes: b.codes.subarray(0, Math.min(b.size, PROBE_ROWS)),
          dictionary: b.dictionary,
        }),
      })
      if (looksLikeFreeText(profileFrame(probe).columns[0] as StringProfile)) b.toText()
    }
  }
  const columns = new Map<string, Column>()
  names.forEach((n, i) => columns.set(n, builders[i]!.take()))
  return Frame.fromColumns(columns)
}
