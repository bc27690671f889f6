const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/

/** A string as a single-quoted TypeScript literal. */
const quote = (s: string): string =>
  `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`

/**
 * Plain data (strings, numbers, booleans, null, arrays, objects) as TypeScript source on one line,
 * in the style of a hand-written config: single quotes, bare keys where they are identifiers.
 */
export const tsLiteral = (v: unknown): string => {
  if (typeof v === 'string') return quote(v)
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return JSON.stringify(v)
  if (Array.isArray(v)) return `[${v.map(tsLiteral).join(', ')}]`
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined)
    if (entries.length === 0) return '{}'
    const body = entries
      .map(([k, x]) => `${IDENTIFIER.test(k) ? k : quote(k)}: ${tsLiteral(x)}`)
      .join(', ')
    return `{ ${body} }`
  }
  throw new TypeError(`not plain data: ${typeof v}`)
}
