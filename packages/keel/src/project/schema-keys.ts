import type { z } from 'zod'

/** The parts of zod's internal definition read here (zod 4). */
interface Def {
  readonly type: string
  readonly shape?: Record<string, z.ZodType>
  readonly innerType?: z.ZodType
  readonly in?: z.ZodType
  readonly element?: z.ZodType
  readonly valueType?: z.ZodType
  readonly items?: readonly z.ZodType[]
  readonly options?: readonly z.ZodType[]
  readonly values?: readonly unknown[]
}

const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def

/** The schemas `s` may be once wrappers (optional, default, pipe…) are removed, unions opened. */
const variants = (s: z.ZodType, value: unknown): z.ZodType[] => {
  const d = defOf(s)
  switch (d.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
      return variants(d.innerType!, value)
    case 'pipe':
      return variants(d.in!, value)
    case 'union': {
      const all = d.options!.flatMap((o) => variants(o, value))
      // An object union picks the options whose literal `kind` (or other literal key) matches.
      const matching = all.filter((o) => {
        const shape = defOf(o).shape
        if (!shape || value === null || typeof value !== 'object') return true
        return Object.entries(shape).every(([k, f]) => {
          const fd = defOf(f)
          if (fd.type !== 'literal') return true
          return fd.values!.includes((value as Record<string, unknown>)[k])
        })
      })
      return matching.length > 0 ? matching : all
    }
    default:
      return [s]
  }
}

/**
 * The keys an object in `schema` accepts at `path` of the raw config `raw` (for "did you mean"
 * on an unknown key), following objects, arrays, records, tuples and unions (a discriminated
 * union by the value's own `kind`). Empty when the path leads to no object.
 */
export const keysAt = (schema: z.ZodType, raw: unknown, path: readonly PropertyKey[]): string[] => {
  let current: z.ZodType[] = [schema]
  let value = raw
  for (const p of path) {
    const next: z.ZodType[] = []
    for (const s of current.flatMap((c) => variants(c, value))) {
      const d = defOf(s)
      if (d.type === 'object' && typeof p === 'string' && d.shape![p]) next.push(d.shape![p])
      else if (d.type === 'array') next.push(d.element!)
      else if (d.type === 'record') next.push(d.valueType!)
      else if (d.type === 'tuple' && typeof p === 'number' && d.items![p]) next.push(d.items![p])
    }
    current = next
    value =
      value !== null && typeof value === 'object'
        ? (value as Record<PropertyKey, unknown>)[p]
        : undefined
  }
  const keys = new Set<string>()
  for (const s of current.flatMap((c) => variants(c, value))) {
    for (const k of Object.keys(defOf(s).shape ?? {})) keys.add(k)
  }
  return [...keys]
}
