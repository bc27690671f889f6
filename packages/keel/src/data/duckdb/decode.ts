import { endianness } from 'node:os'
import type { DuckDBDataChunk } from '@duckdb/node-api'
import type { StringBuilder } from '../frame-builder.js'
import { NumberBuilder, type ColumnBuilder } from '../frame-builder.js'
import type { DuckDbBindings } from './engine.js'

/**
 * Copies DuckDB result chunks into column builders without materializing a JS value per cell.
 *
 * Every column is projected to DOUBLE or VARCHAR (see `planColumn`), so there are two decoders:
 * - DOUBLE: a Float64Array view over the vector's memory, copied in one `set` when nothing is
 *   missing, else masked through DuckDB's validity bitmap (missing → NaN);
 * - VARCHAR: DuckDB's 16-byte string headers read directly. Strings of up to 12 bytes are stored
 *   inline there and are looked up by their raw bytes (`RawStringCodes`), so a category is
 *   decoded to a JS string once per read, not once per row; longer strings are decoded with a
 *   TextDecoder.
 * On a big-endian machine (where the raw layouts differ) the API's per-value path is used instead.
 */

const LITTLE_ENDIAN = endianness() === 'LE'
const decoder = new TextDecoder()

/** Bitmask of the low `bytes` bytes of a 32-bit word. */
const byteMask = (bytes: number): number => (bytes >= 4 ? 0xffffffff : (1 << (8 * bytes)) - 1)

const isValid = (validity: Uint8Array | null, i: number): boolean =>
  validity === null || ((validity[i >> 3]! >> (i & 7)) & 1) === 1

const decodeDouble = (
  bindings: DuckDbBindings,
  vec: unknown,
  n: number,
  b: NumberBuilder,
): void => {
  const data = bindings.vector_get_data(vec as never, n * 8)
  const values = new Float64Array(data.buffer, data.byteOffset, n)
  const validity = bindings.vector_get_validity(
    vec as never,
    Math.ceil(n / 64) * 8,
  ) as Uint8Array | null
  b.reserve(n)
  const dst = b.values
  const base = b.size
  if (!validity) dst.set(values, base)
  else for (let i = 0; i < n; i++) dst[base + i] = isValid(validity, i) ? values[i]! : NaN
  b.size += n
}

const decodeVarchar = (
  bindings: DuckDbBindings,
  vec: unknown,
  n: number,
  b: StringBuilder,
): void => {
  const data = bindings.vector_get_data(vec as never, n * 16)
  const validity = bindings.vector_get_validity(
    vec as never,
    Math.ceil(n / 64) * 8,
  ) as Uint8Array | null
  // Headers are read as 32-bit words; copy in the (never observed) case of an unaligned view.
  const words =
    data.byteOffset % 4 === 0
      ? new Uint32Array(data.buffer, data.byteOffset, n * 4)
      : new Uint32Array(data.slice().buffer)
  const stringAt = (i: number, len: number): string =>
    len <= 12
      ? decoder.decode(new Uint8Array(data.buffer, data.byteOffset + i * 16 + 4, len))
      : decoder.decode(
          bindings.get_data_from_pointer(
            data.buffer as ArrayBuffer,
            data.byteOffset + i * 16 + 8,
            len,
          ),
        )
  if (b.kind === 'text') {
    for (let i = 0; i < n; i++) {
      b.texts.push(isValid(validity, i) ? stringAt(i, words[i * 4]!) : null)
    }
    b.size += n
    return
  }
  b.reserve(n)
  const codes = b.codes
  const raw = b.raw
  const base = b.size
  for (let i = 0; i < n; i++) {
    if (!isValid(validity, i)) {
      codes[base + i] = -1
      continue
    }
    const len = words[i * 4]!
    if (len > 12) {
      codes[base + i] = b.code(stringAt(i, len))
      continue
    }
    // Inline string: its bytes are the three words after the length (masked past the end).
    const a = (words[i * 4 + 1]! & byteMask(len)) | 0
    const bb = len > 4 ? (words[i * 4 + 2]! & byteMask(len - 4)) | 0 : 0
    const c = len > 8 ? (words[i * 4 + 3]! & byteMask(len - 8)) | 0 : 0
    let code = raw.get(len, a, bb, c)
    if (code < 0) {
      code = b.code(stringAt(i, len))
      raw.set(len, a, bb, c, code)
    }
    codes[base + i] = code
  }
  b.size += n
}

/** Append the rows of one DuckDB chunk to the builders (column j → builder j). */
export const appendChunk = (
  bindings: DuckDbBindings,
  chunk: DuckDBDataChunk,
  builders: readonly ColumnBuilder[],
): number => {
  const n = chunk.rowCount
  builders.forEach((b, j) => {
    if (!LITTLE_ENDIAN) {
      const vector = chunk.getColumnVector(j)
      for (let i = 0; i < n; i++) {
        const v = vector.getItem(i)
        if (b instanceof NumberBuilder) b.push(v === null ? NaN : Number(v))
        else b.push(v === null ? null : String(v))
      }
      return
    }
    const vec = bindings.data_chunk_get_vector(chunk.chunk, j)
    if (b instanceof NumberBuilder) decodeDouble(bindings, vec, n, b)
    else decodeVarchar(bindings, vec, n, b)
  })
  return n
}
