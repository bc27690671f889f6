import { Hono } from 'hono'
import { KeelError } from '@keel/core'
import { checkFeedback, parseFeedback, type LabelDomain } from '../feedback.js'
import { readJsonBody } from '../request-body.js'
import { requestBody } from '../request-params.js'
import type { ServeDeps } from '../serve-deps.js'

/** The label domains of every bundle the host has loaded, one per model and version. */
const loadedDomains = (host: ServeDeps['host']): LabelDomain[] => {
  const seen = new Set<string>()
  const out: LabelDomain[] = []
  for (const h of host.loaded()) {
    const key = `${h.model}\u0000${h.version}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push({ model: h.model, task: h.bundle.task, classes: h.bundle.label.classes })
  }
  return out
}

/**
 * `POST /v1/feedback`: delayed labels, by prediction id or by entity, into the event log (202);
 * 404 for a prediction id the service cannot have issued, 422 for a label the model cannot read
 * (see `checkFeedback`: nothing is stored then); 503 when the server has no log or its buffer is
 * full, so the client retries.
 */
export const feedbackRoutes = (
  deps: Pick<ServeDeps, 'requireToken' | 'limits' | 'writer' | 'host'>,
): Hono =>
  new Hono().post('/v1/feedback', async (c) => {
    deps.requireToken(c.req.header('authorization'))
    const body = await readJsonBody(requestBody(c), deps.limits)
    const labels = parseFeedback(body)
    const batch = typeof body === 'object' && body !== null && 'labels' in body
    checkFeedback(labels, loadedDomains(deps.host), { batch })
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
