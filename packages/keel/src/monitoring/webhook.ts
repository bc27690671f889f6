import { KeelError } from '@keel/core'
import type { WebhookConfig } from './config.js'

/** The outcome of a webhook delivery. */
export interface WebhookResult {
  readonly ok: boolean
  readonly attempts: number
  /** The last HTTP status received, if any. */
  readonly status?: number
  readonly error?: string
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Statuses worth retrying: the receiver was busy or failed, not the request. */
const retryable = (status: number): boolean => status === 408 || status === 429 || status >= 500

/**
 * POST a JSON document to a webhook with a per-attempt timeout and a bounded number of retries
 * (exponential backoff) on network errors, timeouts, 408, 429 and 5xx. Other 4xx answers are not
 * retried: the receiver rejected the request, and sending it again would not help. Never throws
 * for delivery problems; the result says what happened.
 */
export const postWebhook = async (
  config: Pick<WebhookConfig, 'url' | 'timeoutMs' | 'retries' | 'backoffMs'> & {
    readonly headers?: Readonly<Record<string, string>> | undefined
  },
  body: unknown,
): Promise<WebhookResult> => {
  if (!/^https?:\/\//i.test(config.url)) {
    throw new KeelError('INVALID_CONFIG', 'a webhook URL must be http:// or https://', {
      path: ['monitoring', 'alerts', 'webhook', 'url'],
    })
  }
  const payload = JSON.stringify(body)
  let status: number | undefined
  let error: string | undefined
  const attempts = config.retries + 1
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const res = await fetch(config.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...config.headers },
        body: payload,
        signal: AbortSignal.timeout(config.timeoutMs),
        redirect: 'error',
      })
      status = res.status
      await res.body?.cancel().catch(() => undefined)
      if (res.ok) return { ok: true, attempts: attempt, status }
      error = `HTTP ${res.status}`
      if (!retryable(res.status)) return { ok: false, attempts: attempt, status, error }
    } catch (e) {
      const err = e as Error
      error = err.name === 'TimeoutError' ? `timed out after ${config.timeoutMs} ms` : err.message
    }
    if (attempt < attempts) await sleep(config.backoffMs * 2 ** (attempt - 1))
  }
  return {
    ok: false,
    attempts,
    ...(status === undefined ? {} : { status }),
    error: error ?? 'failed',
  }
}
