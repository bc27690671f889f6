import { Hono } from 'hono'
import { requestBody } from '../request-params.js'
import type { ServeDeps } from '../serve-deps.js'

/**
 * `POST /v1/models/{name}/predict`: the request's pieces go to the predict pipeline, and its
 * answer becomes the response. `listen()` answers this route from the Node request instead
 * (`node-listener.ts`), through the same pipeline.
 */
export const predictRoutes = (deps: Pick<ServeDeps, 'predict'>): Hono =>
  new Hono().post('/v1/models/:name/predict', async (c) => {
    const answer = await deps.predict({
      model: c.req.param('name'),
      alias: c.req.query('alias'),
      version: c.req.query('version'),
      explain: c.req.query('explain'),
      authorization: c.req.header('authorization'),
      body: requestBody(c),
    })
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-request-id': answer.requestId,
    }
    // After a refused oversized body, close the connection rather than read the rest of it.
    if (answer.status === 413) headers['connection'] = 'close'
    // A plain header object keeps the Node adapter on its fast path (no Headers instance).
    return new Response(answer.json, { status: answer.status, headers })
  })
