/**
 * A config path as a person reads it: keys joined by dots, array positions in brackets followed
 * by the element's `name` when it has one — `candidates[0] (gbdt).params.objective`,
 * `schema.fields[7] (Year).kind` — so an error points at the entry by the name the user wrote.
 * `raw` is the config as written (before defaults); the empty path is the config's default export.
 */
export const configPath = (raw: unknown, path: readonly PropertyKey[]): string => {
  if (path.length === 0) return 'the exported config'
  let out = ''
  let at: unknown = raw
  for (const p of path) {
    const key = typeof p === 'symbol' ? String(p) : p
    const next =
      at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined
    if (typeof key === 'number' || /^\d+$/.test(key)) {
      const name =
        next !== null && typeof next === 'object' ? (next as { name?: unknown }).name : undefined
      out += `[${key}]${typeof name === 'string' ? ` (${name})` : ''}`
    } else {
      out += out === '' ? key : `.${key}`
    }
    at = next
  }
  return out
}
