import { z } from 'zod'
import type { InputField } from '@keel/core'
import { featurePaths, featureSchemas } from './features-openapi.js'
import { feedbackBatchSchema, feedbackByEntitySchema, feedbackByIdSchema } from './feedback.js'
import { openInferencePaths, openInferenceSchemas } from './open-inference-openapi.js'

type Json = Record<string, unknown>

const jsonSchema = (s: z.ZodType): Json => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s) as Json
  return rest
}

/** The JSON Schema of one input row of a bundle, from its pinned input fields. */
export const inputRowSchema = (inputs: readonly InputField[]): Json => {
  const properties: Record<string, Json> = {}
  for (const f of inputs) {
    let s: Json
    switch (f.kind) {
      case 'numeric':
        s = { type: 'number' }
        break
      case 'boolean':
        s = { type: 'boolean' }
        break
      case 'timestamp':
        s = {
          oneOf: [
            { type: 'number', description: 'epoch milliseconds' },
            { type: 'string', format: 'date-time' },
          ],
        }
        break
      case 'categorical':
        s = { type: 'string', ...(f.categories ? { examples: f.categories.slice(0, 20) } : {}) }
        break
      case 'text':
        s = { type: 'string' }
        break
    }
    properties[f.name] = f.nullable ? { anyOf: [s, { type: 'null' }] } : s
  }
  return {
    type: 'object',
    properties,
    required: inputs.filter((f) => !f.nullable).map((f) => f.name),
    description: 'extra fields are ignored (and reported as warnings)',
  }
}

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` })
const errorResponses = (codes: readonly number[]): Record<string, Json> =>
  Object.fromEntries(
    codes.map((c) => [
      String(c),
      {
        description: 'a structured error',
        content: { 'application/json': { schema: ref('Error') } },
      },
    ]),
  )

/**
 * The service's OpenAPI 3.1 document. Per-model row schemas are added for every model the
 * service has loaded, so clients can generate typed calls for the models they use.
 */
export const openApiDocument = (options: {
  readonly version: string
  readonly models: readonly { readonly model: string; readonly inputs: readonly InputField[] }[]
}): Json => {
  const rowSchemas: Record<string, Json> = {}
  for (const m of options.models)
    rowSchemas[`Row_${m.model.replace(/[^A-Za-z0-9_.-]/g, '_')}`] = inputRowSchema(m.inputs)
  const entity = {
    type: 'object',
    additionalProperties: { type: ['string', 'number', 'boolean'] },
    minProperties: 1,
    maxProperties: 16,
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Keel prediction service', version: options.version },
    paths: {
      '/v1/models/{name}/predict': {
        post: {
          summary: 'Predict with the bundle an alias (default "production") or a version points at',
          parameters: [
            { name: 'name', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'alias', in: 'query', schema: { type: 'string' } },
            {
              name: 'version',
              in: 'query',
              schema: { type: 'string', pattern: '^[1-9][0-9]*$' },
              description:
                'a version number as the registry writes it (3; never 03, 3.0, 3e0 or 0x3, which are ' +
                '400 INVALID_ARGUMENT); give alias or version, not both. A version not loaded yet is ' +
                'loaded on first use; 503 when too many are loading at once (retry)',
            },
            {
              name: 'explain',
              in: 'query',
              schema: { type: 'boolean' },
              description: 'add per-feature contributions',
            },
          ],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref('PredictRequest') } },
          },
          responses: {
            '200': {
              description: 'predictions',
              content: { 'application/json': { schema: ref('PredictResponse') } },
            },
            ...errorResponses([400, 401, 404, 413, 415, 422, 503]),
          },
        },
      },
      '/v1/feedback': {
        post: {
          summary:
            'Record labels for earlier predictions (by prediction id or by entity and event time)',
          security: [{ bearer: [] }],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: ref('Feedback') } },
          },
          description:
            'A prediction id must be one the service could have issued (the form of a predict answer\'s "id", a time not in the future): otherwise 404. A label must be readable for the model it names, or for a loaded model when it names none (a class name, true/false for a binary model, a number for regression): otherwise 422. The event log is not searched by id, so an id of the right form is accepted. A batch is all or nothing.',
          responses: {
            '202': {
              description: 'labels accepted into the event log',
              content: { 'application/json': { schema: ref('FeedbackAccepted') } },
            },
            ...errorResponses([400, 401, 404, 413, 415, 422, 503]),
          },
        },
      },
      '/v1/admin/reload': {
        post: {
          summary: 'Re-resolve every alias in use now and swap the bundles that moved',
          security: [{ bearer: [] }],
          responses: { '200': { description: 'what changed' }, ...errorResponses([401]) },
        },
      },
      '/healthz': {
        get: { summary: 'The process is up', responses: { '200': { description: 'ok' } } },
      },
      '/readyz': {
        get: {
          summary: 'Every configured model is loaded and the server is not draining',
          responses: { '200': { description: 'ready' }, ...errorResponses([503]) },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics',
          responses: { '200': { description: 'text exposition format' } },
        },
      },
      '/openapi.json': {
        get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } },
      },
      ...featurePaths,
      ...openInferencePaths,
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Issue: {
          type: 'object',
          required: ['code', 'path', 'message'],
          properties: {
            code: { type: 'string' },
            path: { type: 'array', items: { type: ['string', 'integer'] } },
            message: { type: 'string' },
          },
        },
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message', 'issues'],
              properties: {
                code: { type: 'string' },
                message: { type: 'string' },
                issues: { type: 'array', items: ref('Issue') },
                hint: { type: 'string' },
                request_id: { type: 'string' },
              },
            },
          },
        },
        Entity: entity,
        EventTime: {
          type: ['integer', 'string'],
          description:
            'when the prediction counts as made, for replays and backfills: epoch milliseconds or an ISO-8601 date-time; needs the bearer token (default: when the service receives it)',
        },
        PredictRequest: {
          oneOf: [
            {
              type: 'object',
              required: ['rows'],
              additionalProperties: false,
              properties: {
                rows: { type: 'array', minItems: 1, items: { type: 'object' } },
                entities: { type: 'array', items: ref('Entity') },
                times: { type: 'array', items: ref('EventTime') },
                explain: { type: 'boolean' },
              },
            },
            {
              type: 'object',
              required: ['row'],
              additionalProperties: false,
              properties: {
                row: { type: 'object' },
                entity: ref('Entity'),
                time: ref('EventTime'),
                explain: { type: 'boolean' },
              },
            },
          ],
        },
        ServedPrediction: {
          type: 'object',
          required: ['id', 'prediction', 'defer'],
          properties: {
            id: { type: 'string', description: '"<request_id>:<row>"; use it for feedback' },
            prediction: { type: ['string', 'number'] },
            probabilities: { type: 'object', additionalProperties: { type: 'number' } },
            decision: {
              type: 'string',
              description: 'the class acted on (thresholded for binary models)',
            },
            confidence: { type: 'number' },
            defer: {
              type: 'boolean',
              description: 'confidence below the bundle threshold: route to a person',
            },
            contributions: {
              type: 'object',
              description: 'per-feature contributions in raw model space',
            },
          },
        },
        PredictResponse: {
          type: 'object',
          required: ['request_id', 'model', 'version', 'predictions', 'warnings'],
          properties: {
            request_id: { type: 'string' },
            model: { type: 'string' },
            version: { type: 'string' },
            predictions: { type: 'array', items: ref('ServedPrediction') },
            warnings: {
              type: 'array',
              items: ref('Issue'),
              description:
                "unknown_field, missing_value (imputed or passed on as missing, per the server's missing-feature policy), out_of_range (outside the training range), unseen_category (not in the training rows)",
            },
          },
        },
        Feedback: {
          oneOf: [
            jsonSchema(feedbackByIdSchema),
            jsonSchema(feedbackByEntitySchema),
            jsonSchema(feedbackBatchSchema),
          ],
        },
        FeedbackAccepted: {
          type: 'object',
          properties: {
            accepted: { type: 'integer' },
            ids: { type: 'array', items: { type: 'string' } },
          },
        },
        ...featureSchemas,
        ...openInferenceSchemas,
        ...rowSchemas,
      },
    },
  }
}
