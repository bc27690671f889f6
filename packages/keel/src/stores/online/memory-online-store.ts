import { checkNamespace, closedError, expiryOf, isLive, type OnlineStore } from './online-store.js'

/** Create an in-memory {@link OnlineStore}: for tests and for library use without a workspace. */
export const createMemoryOnlineStore = (): OnlineStore => {
  const spaces = new Map<string, Map<string, { value: string; expiresAt: number | null }>>()
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
