import {
  checkNamespace,
  closedError,
  expiryOf,
  isAfter,
  isLive,
  type OnlineStore,
} from './online-store.js'

interface Entry {
  value: string
  expiresAt: number | null
  order?: readonly [number, number]
}

/** Create an in-memory {@link OnlineStore}: for tests and for library use without a workspace. */
export const createMemoryOnlineStore = (): OnlineStore => {
  const spaces = new Map<string, Map<string, Entry>>()
  let closed = false
  const space = (namespace: string) => {
    if (closed) throw closedError()
    checkNamespace(namespace)
    let s = spaces.get(namespace)
    if (!s) spaces.set(namespace, (s = new Map()))
    return s
  }
  return {
    backend: 'memory',
    async getMany(namespace, keys, options = {}) {
      const s = space(namespace)
      const now = options.now ?? Date.now()
      return keys.map((k) => {
        const entry = s.get(k)
        return entry && isLive(entry.expiresAt, now) ? entry.value : undefined
      })
    },
    async setMany(namespace, entries, options = {}) {
      const s = space(namespace)
      const expiresAt = expiryOf(options)
      for (const [k, value] of entries) s.set(k, { value, expiresAt })
    },
    async getAcross(refs, options = {}) {
      const now = options.now ?? Date.now()
      return refs.map(([namespace, k]) => {
        const entry = space(namespace).get(k)
        return entry && isLive(entry.expiresAt, now) ? entry.value : undefined
      })
    },
    async setNewer(namespace, entries, options = {}) {
      const s = space(namespace)
      const now = options.now ?? Date.now()
      const expiresAt = expiryOf(options)
      let written = 0
      for (const [k, value, e, kn] of entries) {
        const old = s.get(k)
        const live = old !== undefined && isLive(old.expiresAt, now)
        if (live && old.order && !isAfter(e, kn, old.order[0], old.order[1])) continue
        s.set(k, { value, expiresAt, order: [e, kn] })
        written++
      }
      return written
    },
    async deleteMany(namespace, keys) {
      const s = space(namespace)
      for (const k of keys) s.delete(k)
    },
    async close() {
      closed = true
      spaces.clear()
    },
  }
}
