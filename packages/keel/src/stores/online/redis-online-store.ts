import { KeelError } from '@keel/core'
import { importRedis, type RedisClient } from '../drivers.js'
import { checkNamespace, closedError, expiryOf, isLive, type OnlineStore } from './online-store.js'

/** Options of {@link openRedisOnlineStore}. */
export interface RedisOnlineStoreOptions {
  /** e.g. `redis://127.0.0.1:6379/0` or `rediss://…` (Redis 6.2 or later). */
  readonly url: string
  /** Prepended to every key, so several services (or tests) share one Redis safely. */
  readonly keyPrefix?: string
  /** A command slower than this fails (and a serving caller computes instead), default 50 ms. */
  readonly commandTimeoutMs?: number
}

/** A Redis-backed store can also delete everything under its prefix (tests and teardown). */
export interface RedisOnlineStore extends OnlineStore {
  clear(): Promise<void>
}

/** A key prefix as a literal in a Redis MATCH pattern. */
const globEscape = (s: string): string => s.replace(/[*?[\]\\]/g, (c) => `\\${c}`)

/**
 * A stored value: `<expiresAt>:<value>`, with an empty expiry for never; an entry written by a
 * monotone write carries its order too: `<expiresAt>;<eventTime>;<knownTime>:<value>`. Redis also expires the
 * key itself at that instant (PXAT) to free memory, but visibility is decided on read against the
 * reader's time, so TTL means the same here as in the other backends.
 */
const encode = (value: string, expiresAt: number | null): string =>
  `${expiresAt === null ? '' : String(expiresAt)}:${value}`

const HEAD = /^(\d*)(;-?[\d.e+-]+;-?[\d.e+-]+)?$/

const decode = (raw: string, now: number): string | undefined => {
  const colon = raw.indexOf(':')
  const head = colon < 0 ? null : HEAD.exec(raw.slice(0, colon))
  // Anything else under the prefix (another writer's data) reads as a miss.
  if (!head) return undefined
  const expiry = head[1]!
  return isLive(expiry === '' ? null : Number(expiry), now) ? raw.slice(colon + 1) : undefined
}

/**
 * The monotone write, atomic in Redis: KEYS[1] the key; ARGV the encoded value, its event and
 * known time, the writer's now, and the expiry (empty for never). A live stored entry with an
 * order that is not older wins; 1 when written, 0 when not.
 */
const SET_NEWER = `
local cur = redis.call('GET', KEYS[1])
if cur then
  local head = string.match(cur, '^([^:]*):')
  if head then
    local exp, e, k = string.match(head, '^(%d*);([^;]+);([^;]+)$')
    if exp ~= nil and (exp == '' or tonumber(exp) > tonumber(ARGV[4])) then
      local ce, ck = tonumber(e), tonumber(k)
      local ne, nk = tonumber(ARGV[2]), tonumber(ARGV[3])
      if not (ne > ce or (ne == ce and nk > ck)) then return 0 end
    end
  end
end
if ARGV[5] == '' then
  redis.call('SET', KEYS[1], ARGV[1])
else
  redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[5])
end
return 1`

/** The scale-out online store: one Redis string per key, read with MGET, written in a pipeline. */
export const openRedisOnlineStore = async (
  options: RedisOnlineStoreOptions,
): Promise<RedisOnlineStore> => {
  const Redis = await importRedis('The Redis online store')
  const prefix = options.keyPrefix ?? 'keel:'
  const redis: RedisClient = new Redis(options.url, {
    lazyConnect: true,
    commandTimeout: options.commandTimeoutMs ?? 50,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
  })
  try {
    await redis.connect()
  } catch (e) {
    redis.disconnect()
    throw new KeelError(
      'UNAVAILABLE',
      `cannot reach Redis at ${options.url}: ${(e as Error).message}`,
      { cause: e },
    )
  }
  let closed = false
  const keyOf = (namespace: string): ((key: string) => string) => {
    if (closed) throw closedError()
    const p = `${prefix}${checkNamespace(namespace)}:`
    return (key) => p + key
  }
  const run = async (pipe: ReturnType<RedisClient['pipeline']>): Promise<void> => {
    const results = await pipe.exec()
    const failed = results?.find(([err]) => err !== null)
    if (failed) throw new KeelError('UNAVAILABLE', `Redis write failed: ${failed[0]!.message}`)
  }
  return {
    backend: 'redis',
    async getMany(namespace, keys, options = {}) {
      const key = keyOf(namespace)
      if (keys.length === 0) return []
      const now = options.now ?? Date.now()
      const values = await redis.mget(keys.map(key))
      return values.map((v) => (v === null ? undefined : decode(v, now)))
    },
    async setMany(namespace, entries, options = {}) {
      const key = keyOf(namespace)
      const expiresAt = expiryOf(options)
      if (entries.length === 0) return
      const pipe = redis.pipeline()
      for (const [k, v] of entries) {
        if (expiresAt === null) pipe.set(key(k), encode(v, null))
        else pipe.set(key(k), encode(v, expiresAt), 'PXAT', expiresAt)
      }
      await run(pipe)
    },
    async getAcross(refs, options = {}) {
      if (refs.length === 0) return []
      const now = options.now ?? Date.now()
      const keys = refs.map(([namespace, k]) => keyOf(namespace)(k))
      const values = await redis.mget(keys)
      return values.map((v) => (v === null ? undefined : decode(v, now)))
    },
    async setNewer(namespace, entries, options = {}) {
      const key = keyOf(namespace)
      if (entries.length === 0) return 0
      const now = options.now ?? Date.now()
      const expiresAt = expiryOf(options)
      const exp = expiresAt === null ? '' : String(expiresAt)
      const pipe = redis.pipeline()
      for (const [k, v, e, kn] of entries) {
        if (!Number.isFinite(e) || !Number.isFinite(kn)) {
          throw new KeelError(
            'INVALID_ARGUMENT',
            'a monotone write needs finite event and known times',
            {
              path: [k],
            },
          )
        }
        pipe.eval(SET_NEWER, 1, key(k), `${exp};${e};${kn}:${v}`, e, kn, now, exp)
      }
      const results = await pipe.exec()
      let written = 0
      for (const [err, result] of results ?? []) {
        if (err) throw new KeelError('UNAVAILABLE', `Redis write failed: ${err.message}`)
        written += Number(result)
      }
      return written
    },
    async deleteMany(namespace, keys) {
      const key = keyOf(namespace)
      if (keys.length === 0) return
      await run(redis.pipeline().del(...keys.map(key)))
    },
    async clear() {
      let cursor = '0'
      do {
        const [next, keys] = await redis.scan(
          cursor,
          'MATCH',
          `${globEscape(prefix)}*`,
          'COUNT',
          500,
        )
        if (keys.length > 0) await redis.del(...keys)
        cursor = next
      } while (cursor !== '0')
    },
    async close() {
      if (closed) return
      closed = true
      await redis.quit().catch(() => redis.disconnect())
    },
  }
}
