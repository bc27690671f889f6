import { createHash, type Hash } from 'node:crypto'
import { KeelError, type Column, type ColumnKind, type Frame } from '@keel/core'

/** Version of the canonical encoding; bumped if the encoding ever changes. */
export const FINGERPRINT_VERSION = 1

/** A dataset's identity for lineage: equal data ⇒ equal fingerprint. */
export interface DatasetFingerprint {
  /** sha256 (hex) over the schema hash, the row count and every column's content hash. */
  readonly fingerprint: string
  readonly rows: number
  /** sha256 (hex) over the column names and kind families only. */
  readonly schemaHash: string
  readonly columns: readonly { readonly name: string; readonly kind: ColumnKind }[]
}

/** Kind families: categorical and text hash alike (the choice is representation, not data). */
const family = (k: ColumnKind): string => (k === 'categorical' || k === 'text' ? 'string' : k)

const MISSING_STRING = Buffer.from([0xff, 0xff, 0xff, 0xff])

const lengthPrefixed = (s: string): Buffer => {
  const bytes = Buffer.from(s, 'utf8')
  const out = Buffer.allocUnsafe(4 + bytes.length)
  out.writeUInt32LE(bytes.length, 0)
  bytes.copy(out, 4)
  return out
}

/**
 * sha256 fingerprint of a dataset, computed chunk by chunk over a canonical encoding:
 * - numbers, booleans (0/1) and timestamps (epoch ms) as little-endian float64, every missing
 *   value as one canonical NaN and `-0` as `0`;
 * - strings as UTF-8 with a 4-byte length prefix, missing as a reserved length (0xFFFFFFFF);
 * - one running hash per column, combined at the end with the column names (sorted) and kinds.
 *
 * Stable: across chunk sizes and chunk boundaries; across column order; across categorical vs
 * text; across file formats when the values read are equal — e.g. the same table as CSV and as
 * Parquet (integers and floats both become float64; DATE and TIMESTAMP both become epoch ms).
 * Not stable: row order (a reordered table is a different fingerprint); values a format cannot
 * carry equally (floats printed with too few digits in CSV, sub-millisecond timestamps, integers
 * beyond 2^53); a column that CSV type detection reads differently (e.g. zip codes "02134" as
 * numbers) — that also changes `schemaHash`, which is how to tell the two cases apart.
 */
export class DatasetFingerprinter {
  #columns: { name: string; kind: ColumnKind; hash: Hash }[] | null = null
  #rows = 0
  readonly #scratch = { f64: new Float64Array(0) }
  readonly #encoded = new Map<string, Buffer>()

  /** Hash the next chunk; every chunk must have the same columns and kind families. */
  push(frame: Frame): void {
    const entries = frame.entries()
    if (!this.#columns) {
      this.#columns = entries.map(([name, c]) => ({
        name,
        kind: c.kind,
        hash: createHash('sha256'),
      }))
    }
    const cols = this.#columns
    const same =
      cols.length === entries.length &&
      cols.every(
        (c, i) => c.name === entries[i]![0] && family(c.kind) === family(entries[i]![1].kind),
      )
    if (!same) {
      throw new KeelError(
        'SCHEMA_MISMATCH',
        'chunks being fingerprinted have different columns or kinds',
        {
          details: {
            expected: cols.map((c) => `${c.name}:${c.kind}`),
            got: entries.map(([n, c]) => `${n}:${c.kind}`),
          },
        },
      )
    }
    cols.forEach((c, i) => this.#hashColumn(c.hash, entries[i]![1]))
    this.#rows += frame.numRows
  }

  #hashColumn(hash: Hash, c: Column): void {
    switch (c.kind) {
      case 'numeric':
      case 'boolean':
      case 'timestamp': {
        const n = c.values.length
        if (this.#scratch.f64.length < n) this.#scratch.f64 = new Float64Array(n)
        const out = this.#scratch.f64.subarray(0, n)
        for (let i = 0; i < n; i++) {
          const x = c.values[i]!
          out[i] = x !== x ? NaN : x === 0 ? 0 : x
        }
        // Float64Array stores NaN as the canonical quiet NaN when written from a JS number.
        hash.update(new Uint8Array(out.buffer, out.byteOffset, n * 8))
        return
      }
      case 'categorical': {
        const enc = c.dictionary.map((d) => this.#encode(d))
        let size = 0
        for (const code of c.codes) size += code < 0 ? 4 : enc[code]!.length
        const buf = Buffer.allocUnsafe(size)
        let at = 0
        for (const code of c.codes) {
          const e = code < 0 ? MISSING_STRING : enc[code]!
          // A byte loop beats Buffer#copy's call overhead for the short strings categories hold.
          for (let k = 0; k < e.length; k++) buf[at++] = e[k]!
        }
        hash.update(buf)
        return
      }
      case 'text':
        for (const v of c.values) hash.update(v === null ? MISSING_STRING : lengthPrefixed(v))
        return
    }
  }

  #encode(s: string): Buffer {
    let e = this.#encoded.get(s)
    if (!e) {
      e = lengthPrefixed(s)
      if (this.#encoded.size < 100_000) this.#encoded.set(s, e)
    }
    return e
  }

  /** The fingerprint of everything pushed so far. */
  result(): DatasetFingerprint {
    const cols = [...(this.#columns ?? [])].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    )
    const schema = cols.map((c) => ({ name: c.name, kind: family(c.kind) }))
    const schemaHash = createHash('sha256')
      .update(
        JSON.stringify({
          format: 'keel-fingerprint',
          version: FINGERPRINT_VERSION,
          columns: schema,
        }),
      )
      .digest('hex')
    const top = createHash('sha256').update(
      `keel-fingerprint/${FINGERPRINT_VERSION}\n${schemaHash}\n${this.#rows}\n`,
    )
    for (const c of cols) top.update(`${JSON.stringify(c.name)}:${c.hash.copy().digest('hex')}\n`)
    return {
      fingerprint: top.digest('hex'),
      rows: this.#rows,
      schemaHash,
      columns: (this.#columns ?? []).map((c) => ({ name: c.name, kind: c.kind })),
    }
  }
}

/** Fingerprint of a Frame held in memory (equal to streaming it in any chunks). */
export const fingerprintFrame = (frame: Frame): DatasetFingerprint => {
  const f = new DatasetFingerprinter()
  f.push(frame)
  return f.result()
}
