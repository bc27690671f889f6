import { Hono } from 'hono'
import type { ServeDeps } from '../serve-deps.js'

/** `GET /v1/models`: every alias loaded, with the version it serves and the model's task. */
export const modelsRoutes = (deps: Pick<ServeDeps, 'host'>): Hono =>
  new Hono().get('/v1/models', (c) =>
    c.json({
      models: deps.host
        .loaded()
        .map((h) => ({ model: h.model, alias: h.alias, version: h.version, task: h.bundle.task })),
    }),
  )
