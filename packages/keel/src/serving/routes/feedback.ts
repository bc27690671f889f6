import { Hono } from 'hono'
import { KeelError } from '@keel/core'
import { parseFeedback } from '../feedback.js'
import { readJsonBody } from '../request-body.js'
import { requestBody } from '../request-params.js'
import type { ServeDeps } from '../serve-deps.js'

/**
 * `POST /v1/feedback`: delayed labels, by prediction id or by entity, into the event log (202);
 * 503 when the server has no log or its buffer is full, so the client retries.
 */
export const feedbackRoutes = (deps: Pick<ServeDeps, 'requireToken' | 'limits' | 'writer'>): Hono =>
  new Hono().post('/v1/feedback', async (c) => {
    deps.requireToken(c.req.header('authorization'))
    const labels = parseFeedback(await readJsonBody(requestBody(c), deps.limits))
    if (!deps.writer)
      throw new KeelError('UNAVAILABLE', 'this server has no event log; feedback cannot be stored')
    const accepted = deps.writer.push(labels)
    if (accepted < labels.length) {
      throw new KeelError('UNAVAILABLE', 'the event buffer is full; retry the feedback later', {
        details: { accepted, total: labels.length },
      })
    }
    return c.json({ accepted, ids: labels.map((l) => l.id) }, 202)
  })
