import { Hono } from 'hono'
import type { ServeDeps } from '../serve-deps.js'

/** `GET /metrics`: the Prometheus text of the server's own registry. */
export const metricsRoutes = (
  deps: Pick<ServeDeps, 'metrics' | 'requireToken' | 'requireTokenForMetrics'>,
): Hono =>
  new Hono().get('/metrics', async (c) => {
    if (deps.requireTokenForMetrics) deps.requireToken(c.req.header('authorization'))
    const { registry } = deps.metrics
    return c.text(await registry.metrics(), 200, { 'content-type': registry.contentType })
  })
