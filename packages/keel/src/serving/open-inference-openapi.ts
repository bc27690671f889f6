import { OIP_DATATYPES } from './open-inference.js'

type Json = Record<string, unknown>

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` })

const v2Errors = (codes: readonly number[]): Record<string, Json> =>
  Object.fromEntries(
    codes.map((c) => [
      String(c),
      {
        description: 'a v2 error: "error" is the message; code and issues are Keel\'s',
        content: { 'application/json': { schema: ref('InferenceError') } },
      },
    ]),
  )

const json = (description: string, schema: Json): Json => ({
  description,
  content: { 'application/json': { schema } },
})

const name = { name: 'name', in: 'path', required: true, schema: { type: 'string' } }
const version = { name: 'version', in: 'path', required: true, schema: { type: 'string' } }

const infer = (params: readonly Json[]): Json => ({
  post: {
    summary:
      'Open Inference Protocol inference: one tensor per input column, through the same predict path as /v1 (same numbers, log and token rules)',
    parameters: params,
    requestBody: {
      required: true,
      content: { 'application/json': { schema: ref('InferenceRequest') } },
    },
    responses: {
      '200': json('the output tensors', ref('InferenceResponse')),
      ...v2Errors([400, 401, 404, 413, 415, 422, 503]),
    },
  },
})

const metadata = (params: readonly Json[]): Json => ({
  get: {
    summary:
      "Open Inference Protocol model metadata: inputs from the bundle's pinned fields, outputs by task",
    parameters: params,
    responses: { '200': json('model metadata', ref('ModelMetadata')), ...v2Errors([404]) },
  },
})

const ready = (params: readonly Json[]): Json => ({
  get: {
    summary: 'Open Inference Protocol model readiness (loaded, server not draining)',
    parameters: params,
    responses: {
      '200': json('ready', ref('ModelReady')),
      '503': json('not ready', ref('ModelReady')),
      ...v2Errors([404]),
    },
  },
})

/** The OpenAPI paths of the Open Inference Protocol (KServe v2) endpoints. */
export const openInferencePaths: Json = {
  '/v2': {
    get: {
      summary: 'Open Inference Protocol server metadata',
      responses: {
        '200': json('server metadata', {
          type: 'object',
          properties: {
            name: { type: 'string' },
            version: { type: 'string' },
            extensions: { type: 'array', items: { type: 'string' } },
          },
        }),
      },
    },
  },
  '/v2/health/live': {
    get: {
      summary: 'Open Inference Protocol liveness',
      responses: {
        '200': json('live', { type: 'object', properties: { live: { type: 'boolean' } } }),
      },
    },
  },
  '/v2/health/ready': {
    get: {
      summary: 'Open Inference Protocol readiness: every configured model loaded, not draining',
      responses: {
        '200': json('ready', { type: 'object', properties: { ready: { type: 'boolean' } } }),
        '503': json('not ready', { type: 'object', properties: { ready: { type: 'boolean' } } }),
      },
    },
  },
  '/v2/models/{name}': metadata([name]),
  '/v2/models/{name}/versions/{version}': metadata([name, version]),
  '/v2/models/{name}/ready': ready([name]),
  '/v2/models/{name}/versions/{version}/ready': ready([name, version]),
  '/v2/models/{name}/infer': infer([name]),
  '/v2/models/{name}/versions/{version}/infer': infer([name, version]),
}

const tensorMetadata: Json = {
  type: 'object',
  required: ['name', 'datatype', 'shape'],
  properties: {
    name: { type: 'string' },
    datatype: { enum: [...OIP_DATATYPES] },
    shape: { type: 'array', items: { type: 'integer' }, description: '-1: any size' },
  },
}

/** The OpenAPI schemas of the Open Inference Protocol bodies. */
export const openInferenceSchemas: Json = {
  TensorMetadata: tensorMetadata,
  InferenceRequest: {
    type: 'object',
    required: ['inputs'],
    additionalProperties: false,
    properties: {
      id: { type: 'string', description: "echoed as the answer's id" },
      parameters: { type: 'object', description: 'accepted and ignored' },
      inputs: {
        type: 'array',
        minItems: 1,
        description:
          'one tensor per input column (extra columns are ignored with a warning; a left-out column is a missing value)',
        items: {
          type: 'object',
          required: ['name', 'shape', 'datatype', 'data'],
          additionalProperties: false,
          properties: {
            name: { type: 'string' },
            shape: {
              type: 'array',
              items: { type: 'integer' },
              description: '[rows] or [rows, 1]; every input has the same number of rows',
            },
            datatype: {
              enum: [...OIP_DATATYPES],
              description:
                'FP64 (or any numeric type) for numbers, BOOL, BYTES for categories, text and ISO-8601 timestamps',
            },
            parameters: { type: 'object' },
            data: {
              type: 'array',
              description:
                "row-major, flat or one array per row; null is a missing value (the server's missing-feature policy applies)",
            },
          },
        },
      },
      outputs: {
        type: 'array',
        items: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
        description: 'the outputs to answer with (default: all)',
      },
    },
  },
  InferenceResponse: {
    type: 'object',
    required: ['model_name', 'model_version', 'id', 'outputs'],
    properties: {
      model_name: { type: 'string' },
      model_version: { type: 'string' },
      id: { type: 'string', description: "the request's id, else Keel's request id" },
      parameters: {
        type: 'object',
        properties: { request_id: { type: 'string', description: "Keel's request id" } },
      },
      outputs: {
        type: 'array',
        description:
          'prediction (BYTES class or FP64 value), probabilities (FP64 [rows, classes], in the order of the classes tensor), classes, defer (BOOL), prediction_id (BYTES: use it for feedback)',
        items: {
          ...tensorMetadata,
          required: ['name', 'datatype', 'shape', 'data'],
          properties: { ...(tensorMetadata['properties'] as Json), data: { type: 'array' } },
        },
      },
      warnings: {
        type: 'array',
        items: ref('Issue'),
        description: 'input warnings, paths into the tensors (present when there are any)',
      },
    },
  },
  InferenceError: {
    type: 'object',
    required: ['error'],
    properties: {
      error: { type: 'string' },
      code: { type: 'string' },
      issues: { type: 'array', items: ref('Issue') },
      request_id: { type: 'string' },
    },
  },
  ModelMetadata: {
    type: 'object',
    required: ['name', 'platform', 'inputs', 'outputs'],
    properties: {
      name: { type: 'string' },
      versions: { type: 'array', items: { type: 'string' } },
      platform: { type: 'string', description: '"keel_<model kind>"' },
      inputs: { type: 'array', items: ref('TensorMetadata') },
      outputs: { type: 'array', items: ref('TensorMetadata') },
    },
  },
  ModelReady: {
    type: 'object',
    properties: { name: { type: 'string' }, ready: { type: 'boolean' } },
  },
}
