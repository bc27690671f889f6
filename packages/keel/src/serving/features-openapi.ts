// The `/v1/features` routes in the service's OpenAPI document (see `routes/features.ts`).

type Json = Record<string, unknown>

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` })
const errors = (codes: readonly number[]): Record<string, Json> =>
  Object.fromEntries(
    codes.map((c) => [
      String(c),
      {
        description: 'a structured error',
        content: { 'application/json': { schema: ref('Error') } },
      },
    ]),
  )
const json = (schema: Json): Json => ({ content: { 'application/json': { schema } } })

/** The paths of the feature routes. */
export const featurePaths: Json = {
  '/v1/features/online': {
    post: {
      summary: "Read a feature service's values for entity keys, as predict would serve them",
      description:
        'Values are read from the online store in one round trip and judged at `time` (default now) by the point-in-time rule: a value is present once known and until its event time plus the view TTL (then outside_ttl); not_found when nothing is known; null when the known value is null. No status policy is applied. Needs the bearer token only where predict does. 404 for an unknown service or a server without a feature store; 422 for a missing key column or a key of the wrong type; 503 when the online store does not answer in time.',
      requestBody: { required: true, ...json(ref('OnlineFeaturesRequest')) },
      responses: {
        '200': { description: 'values per row', ...json(ref('OnlineFeaturesResponse')) },
        ...errors([400, 401, 404, 413, 415, 422, 503]),
      },
    },
  },
  '/v1/features/push': {
    post: {
      summary: 'Write feature values of a push view (online, and to the offline log)',
      security: [{ bearer: [] }],
      requestBody: { required: true, ...json(ref('FeaturePushRequest')) },
      responses: {
        '200': {
          description: 'values written',
          ...json({
            type: 'object',
            required: ['view', 'written'],
            properties: { view: { type: 'string' }, written: { type: 'integer' } },
          }),
        },
        ...errors([400, 401, 404, 413, 415, 422, 503]),
      },
    },
  },
}

/** The schemas the feature routes refer to. */
export const featureSchemas: Json = {
  OnlineFeaturesRequest: {
    type: 'object',
    required: ['service', 'rows'],
    additionalProperties: false,
    properties: {
      service: { type: 'string' },
      rows: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          description: "the service's key columns (and any request fields on-demand features read)",
        },
      },
      time: {
        type: ['integer', 'string'],
        description:
          'the time to read at: epoch milliseconds or an ISO-8601 date-time (default now)',
      },
    },
  },
  ServedFeature: {
    type: 'object',
    required: ['value', 'status'],
    properties: {
      value: { type: ['number', 'string', 'boolean', 'null'] },
      status: { enum: ['present', 'null', 'not_found', 'outside_ttl'] },
      eventTime: { type: 'number', description: 'when the value happened (epoch ms)' },
      knownTime: { type: 'number', description: 'when it became known (epoch ms)' },
    },
  },
  OnlineFeaturesResponse: {
    type: 'object',
    required: ['service', 'version', 'at', 'rows'],
    properties: {
      service: { type: 'string' },
      version: { type: 'string' },
      at: { type: 'number' },
      rows: {
        type: 'array',
        items: {
          type: 'object',
          required: ['features'],
          properties: {
            features: { type: 'object', additionalProperties: ref('ServedFeature') },
          },
        },
      },
    },
  },
  FeaturePushRequest: {
    type: 'object',
    required: ['view', 'rows'],
    additionalProperties: false,
    properties: {
      view: { type: 'string' },
      rows: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          description: "the view's key, event-time (and known-time) columns and its features",
        },
      },
    },
  },
}
