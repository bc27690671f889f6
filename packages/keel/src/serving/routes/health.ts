import { Hono } from 'hono'
import { KeelError } from '@keel/core'
import type { ServeDeps } from '../serve-deps.js'

/**
 * `GET /healthz` (the process answers) and `GET /readyz` (every configured model is loaded and
 * the server is not shutting down; 503 with the missing models otherwise).
 */
export const healthRoutes = (deps: Pick<ServeDeps, 'readiness' | 'draining' | 'host'>): Hono =>
  new Hono()
    .get('/healthz', (c) => c.json({ status: 'ok' }))
    .get('/readyz', async (c) => {
      const { readiness } = deps
      if (!readiness.isReady()) await readiness.ready().catch(() => undefined)
      const draining = deps.draining()
      if (draining || !readiness.isReady()) {
        throw new KeelError('UNAVAILABLE', draining ? 'shutting down' : 'models not loaded yet', {
          details: { missing: readiness.missing() },
        })
      }
      return c.json({
        status: 'ready',
        models: deps.host
          .loaded()
          .map((h) => ({ model: h.model, alias: h.alias, version: h.version })),
      })
    })
