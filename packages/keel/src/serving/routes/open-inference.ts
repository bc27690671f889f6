import { Hono, type Context } from 'hono'
import { KeelError } from '@keel/core'
import { KEEL_VERSION } from '../../version.js'
import { errorBody, type ErrorBody } from '../error-response.js'
import type { HostedBundle } from '../model-host.js'
import {
  checkRequestedOutputs,
  inferenceError,
  inferenceResponse,
  modelMetadata,
  readTensorRequest,
} from '../open-inference.js'
import type { PredictResponse } from '../predict/response.js'
import { readJsonBody } from '../request-body.js'
import { NAME, refOf, requestBody } from '../request-params.js'
import type { ServeDeps } from '../serve-deps.js'

/** What the v2 routes read beyond the shared dependencies. */
export interface OpenInferenceSettings {
  /** The alias a path without `/versions/{v}` gets. */
  readonly defaultAlias: string
  /** The token is required on inference too (as on predict). */
  readonly requireTokenForPredict: boolean
}

type Deps = Pick<
  ServeDeps,
  'host' | 'limits' | 'predict' | 'readiness' | 'draining' | 'requireToken' | 'logger'
>

/** An error as the v2 error body (`{"error": "…"}` plus Keel's code and issues), same status. */
const v2Error = (c: Context, deps: Deps, e: unknown, names?: readonly string[]): Response => {
  const { status, body } = errorBody(e, deps.logger ? { logger: deps.logger } : {})
  // After a refused oversized body, close the connection rather than read the rest of it.
  if (status === 413) c.header('connection', 'close')
  return c.json(inferenceError(body, names), status as 400)
}

/** The bundle a v2 path names, loading it on first use (`NOT_FOUND` for an unknown model). */
const hostedFor = async (
  deps: Deps,
  settings: OpenInferenceSettings,
  name: string,
  version: string | undefined,
): Promise<HostedBundle> => {
  if (!NAME.test(name)) throw new KeelError('NOT_FOUND', 'no such model')
  const ref = refOf(undefined, version, settings.defaultAlias)
  return deps.host.peek(name, ref) ?? (await deps.host.get(name, ref))
}

/** The versions of a model this server has loaded, in version order. */
const loadedVersions = (deps: Deps, hosted: HostedBundle): string[] => {
  const versions = new Set([hosted.version])
  for (const h of deps.host.loaded()) if (h.model === hosted.model) versions.add(h.version)
  return [...versions].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b))
}

const infer = async (
  c: Context,
  deps: Deps,
  settings: OpenInferenceSettings,
  version: string | undefined,
): Promise<Response> => {
  let names: readonly string[] = []
  try {
    const authorization = c.req.header('authorization')
    if (settings.requireTokenForPredict) deps.requireToken(authorization)
    const model = c.req.param('name')!
    // Resolved before the body is read, so an unknown model costs no body (as on predict).
    const requested = await hostedFor(deps, settings, model, version)
    const request = readTensorRequest(await readJsonBody(requestBody(c), deps.limits))
    names = request.names
    checkRequestedOutputs(request, requested.bundle)
    const answer = await deps.predict({
      model,
      version,
      authorization,
      body: { rows: request.rows },
    })
    c.header('x-request-id', answer.requestId)
    if (answer.status !== 200) {
      if (answer.status === 413) c.header('connection', 'close')
      const error = JSON.parse(answer.json) as ErrorBody
      return c.json(inferenceError(error, names), answer.status as 400)
    }
    const response = JSON.parse(answer.json) as PredictResponse
    // A routing policy may answer with another bundle than the one asked for.
    const answered =
      response.model === requested.model && response.version === requested.version
        ? requested
        : await deps.host.get(response.model, { version: response.version })
    return c.json(inferenceResponse(response, request, answered.bundle))
  } catch (e) {
    return v2Error(c, deps, e, names)
  }
}

const metadata = async (
  c: Context,
  deps: Deps,
  settings: OpenInferenceSettings,
  version: string | undefined,
): Promise<Response> => {
  try {
    const hosted = await hostedFor(deps, settings, c.req.param('name')!, version)
    return c.json(modelMetadata(hosted.model, loadedVersions(deps, hosted), hosted.bundle))
  } catch (e) {
    return v2Error(c, deps, e)
  }
}

/**
 * A model is ready when its bundle is loaded (or loads now) and the server is not shutting down:
 * 200 `{ name, ready: true }`, else 503 `{ name, ready: false }`; an unknown model is 404.
 */
const modelReady = async (
  c: Context,
  deps: Deps,
  settings: OpenInferenceSettings,
  version: string | undefined,
): Promise<Response> => {
  const name = c.req.param('name')!
  try {
    await hostedFor(deps, settings, name, version)
  } catch (e) {
    if (e instanceof KeelError && e.code === 'NOT_FOUND') return v2Error(c, deps, e)
    deps.logger?.warn({ err: e, model: name }, 'model not ready')
    return c.json({ name, ready: false }, 503)
  }
  const ready = !deps.draining()
  return c.json({ name, ready }, ready ? 200 : 503)
}

/**
 * The Open Inference Protocol (KServe v2) endpoints beside Keel's own, for the clients teams
 * already have (Triton's, KServe's, MLServer's): server metadata, liveness and readiness, model
 * metadata and readiness, and inference through the one predict pipeline (same numbers, log,
 * metrics and token rules as `/v1/models/{name}/predict`). A path without `/versions/{v}` serves
 * the default alias. Errors are the v2 error body with Keel's status for the error code.
 */
export const openInferenceRoutes = (deps: Deps, settings: OpenInferenceSettings): Hono =>
  new Hono()
    .get('/v2', (c) => c.json({ name: 'keel', version: KEEL_VERSION, extensions: [] }))
    .get('/v2/health/live', (c) => c.json({ live: true }))
    .get('/v2/health/ready', async (c) => {
      const { readiness } = deps
      if (!readiness.isReady()) await readiness.ready().catch(() => undefined)
      const ready = readiness.isReady() && !deps.draining()
      return c.json({ ready }, ready ? 200 : 503)
    })
    .post('/v2/models/:name/infer', (c) => infer(c, deps, settings, undefined))
    .post('/v2/models/:name/versions/:version/infer', (c) =>
      infer(c, deps, settings, c.req.param('version')),
    )
    .get('/v2/models/:name/ready', (c) => modelReady(c, deps, settings, undefined))
    .get('/v2/models/:name/versions/:version/ready', (c) =>
      modelReady(c, deps, settings, c.req.param('version')),
    )
    .get('/v2/models/:name', (c) => metadata(c, deps, settings, undefined))
    .get('/v2/models/:name/versions/:version', (c) =>
      metadata(c, deps, settings, c.req.param('version')),
    )
