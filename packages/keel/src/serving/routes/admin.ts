import { Hono } from 'hono'
import type { ServeDeps } from '../serve-deps.js'

/** `POST /v1/admin/reload`: re-resolve every alias in use now, with the token. */
export const adminRoutes = (deps: Pick<ServeDeps, 'requireToken' | 'host'>): Hono =>
  new Hono().post('/v1/admin/reload', async (c) => {
    deps.requireToken(c.req.header('authorization'))
    return c.json(await deps.host.reload())
  })
