import { Hono } from 'hono'
import { KEEL_VERSION } from '../../version.js'
import { openApiDocument } from '../openapi.js'
import type { ServeDeps } from '../serve-deps.js'

/** `GET /openapi.json`: the service's OpenAPI document, with a row schema per loaded model. */
export const openApiRoutes = (deps: Pick<ServeDeps, 'host'>): Hono =>
  new Hono().get('/openapi.json', (c) =>
    c.json(
      openApiDocument({
        version: KEEL_VERSION,
        models: deps.host.loaded().map((h) => ({ model: h.model, inputs: h.bundle.inputs })),
      }),
    ),
  )
