import { KeelError, type InputField, type Issue, type ModelBundle } from '@keel/core'
import type { ErrorBody } from './error-response.js'
import type { PredictResponse } from './predict/response.js'

/**
 * The Open Inference Protocol (KServe v2, also spoken by Triton, MLServer and OpenVINO) over a
 * Keel bundle: one tensor per input column, row-major, batch first. Keel answers a v2 request by
 * turning its tensors into rows and passing them through the one predict pipeline, so the numbers,
 * the prediction log, the metrics and the token rules are those of `/v1/models/{name}/predict`.
 */

/** The tensor data types of the protocol. */
export const OIP_DATATYPES = [
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BYTES',
] as const

/** One tensor data type. */
export type OipDatatype = (typeof OIP_DATATYPES)[number]

/** A tensor's name, element type and shape (`-1`: any size), as model metadata lists them. */
export interface TensorMetadata {
  readonly name: string
  readonly datatype: OipDatatype
  readonly shape: readonly number[]
}

/** A tensor with its data, flattened in row-major order. */
export interface Tensor extends TensorMetadata {
  readonly data: readonly unknown[]
}

/** An inference request after its tensors were checked: one row per batch entry. */
export interface TensorRequest {
  /** The client's id, echoed in the answer. */
  readonly id?: string
  /** Input tensor names in request order (issue paths point into `inputs` by position). */
  readonly names: readonly string[]
  readonly rows: readonly Record<string, unknown>[]
  /** The outputs asked for (`outputs`), or null for all of them. */
  readonly outputs: readonly string[] | null
}

/** The v2 answer to an inference request. */
export interface InferenceResponse {
  readonly model_name: string
  readonly model_version: string
  readonly id: string
  readonly parameters: { readonly request_id: string }
  readonly outputs: readonly Tensor[]
  /** Keel's input warnings (missing, out-of-range, unseen values), present when there are any. */
  readonly warnings?: readonly Issue[]
}

/** The v2 error body: `error` is what every v2 client reads; the rest is Keel's structured error. */
export interface InferenceError {
  readonly error: string
  readonly code: string
  readonly issues: readonly Issue[]
  readonly request_id?: string
}

const REQUEST_KEYS = new Set(['id', 'parameters', 'inputs', 'outputs'])
const INPUT_KEYS = new Set(['name', 'shape', 'datatype', 'parameters', 'data'])

const INTEGER_RANGE: Partial<Record<OipDatatype, readonly [number, number]>> = {
  UINT8: [0, 2 ** 8 - 1],
  UINT16: [0, 2 ** 16 - 1],
  UINT32: [0, 2 ** 32 - 1],
  UINT64: [0, Number.MAX_SAFE_INTEGER],
  INT8: [-(2 ** 7), 2 ** 7 - 1],
  INT16: [-(2 ** 15), 2 ** 15 - 1],
  INT32: [-(2 ** 31), 2 ** 31 - 1],
  INT64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
}

const badRequest = (issues: Issue[]): KeelError =>
  new KeelError(
    'INVALID_ARGUMENT',
    `${issues.length} inference request problem(s): ${issues[0]!.message}`,
    { issues: issues.slice(0, 100) },
  )

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** Why one element does not fit its datatype, or undefined. `null` is a missing value. */
const elementProblem = (v: unknown, datatype: OipDatatype): string | undefined => {
  if (v === null) return undefined
  if (datatype === 'BYTES') return typeof v === 'string' ? undefined : 'a BYTES element is a string'
  if (datatype === 'BOOL')
    return typeof v === 'boolean' ? undefined : 'a BOOL element is true or false'
  if (typeof v !== 'number' || !Number.isFinite(v))
    return `a ${datatype} element is a finite number`
  const range = INTEGER_RANGE[datatype]
  if (range && (!Number.isInteger(v) || v < range[0] || v > range[1]))
    return `${v} is not a ${datatype} (an integer in [${range[0]}, ${range[1]}])`
  return undefined
}

/** The tensor's elements in row-major order: flat, or nested one array per batch entry. */
const flatten = (data: unknown[], shape: readonly number[]): unknown[] =>
  shape.length === 2 && data.every(Array.isArray) ? (data as unknown[][]).flat() : data

/** Check one input tensor; its elements, one per row, or the issues. */
const readInput = (raw: unknown, at: number): { name: string; values: unknown[] } | Issue[] => {
  const path = ['inputs', at]
  if (!isObject(raw))
    return [
      {
        code: 'invalid_type',
        path,
        message: 'an input is an object with name, shape, datatype and data',
      },
    ]
  const issues: Issue[] = []
  const extra = Object.keys(raw).filter((k) => !INPUT_KEYS.has(k))
  if (extra.length > 0)
    issues.push({
      code: 'unrecognized_keys',
      path,
      message: `unknown field(s): ${extra.slice(0, 10).join(', ')}`,
    })
  const { name, shape, datatype, data, parameters } = raw
  if (typeof name !== 'string' || name.length === 0 || name.length > 256)
    issues.push({
      code: 'invalid_type',
      path: [...path, 'name'],
      message: 'an input name is a string of 1 to 256 characters',
    })
  if (!OIP_DATATYPES.includes(datatype as OipDatatype))
    issues.push({
      code: 'invalid_enum_value',
      path: [...path, 'datatype'],
      message: `datatype is one of ${OIP_DATATYPES.join(', ')}`,
    })
  const shapeOk =
    Array.isArray(shape) &&
    (shape.length === 1 || (shape.length === 2 && shape[1] === 1)) &&
    Number.isSafeInteger(shape[0]) &&
    (shape[0] as number) >= 1
  if (!shapeOk)
    issues.push({
      code: 'invalid_shape',
      path: [...path, 'shape'],
      message: 'an input is one column: shape [rows] or [rows, 1]',
    })
  if (isObject(parameters) && parameters['binary_data_size'] !== undefined)
    issues.push({
      code: 'unsupported',
      path: [...path, 'parameters', 'binary_data_size'],
      message: 'the binary tensor data extension is not supported: send data as JSON',
    })
  if (!Array.isArray(data))
    issues.push({
      code: 'invalid_type',
      path: [...path, 'data'],
      message: 'data is an array of the tensor elements',
    })
  if (issues.length > 0) return issues
  const values = flatten(data as unknown[], shape as number[])
  const rows = (shape as number[])[0]!
  if (values.length !== rows)
    return [
      {
        code: 'invalid_shape',
        path: [...path, 'data'],
        message: `shape ${JSON.stringify(shape)} holds ${rows} element(s), data has ${values.length}`,
      },
    ]
  for (let r = 0; r < values.length && issues.length < 100; r++) {
    const problem = elementProblem(values[r], datatype as OipDatatype)
    if (problem)
      issues.push({
        code: 'invalid_type',
        path: [...path, 'data', r],
        message: `"${name as string}": ${problem}`,
      })
  }
  return issues.length > 0 ? issues : { name: name as string, values }
}

/** The output names a request asks for (null: all), or an issue when `outputs` is malformed. */
const readOutputs = (raw: unknown, issues: Issue[]): string[] | null => {
  if (raw === undefined) return null
  if (!Array.isArray(raw) || !raw.every((o) => isObject(o) && typeof o['name'] === 'string')) {
    issues.push({
      code: 'invalid_type',
      path: ['outputs'],
      message: 'outputs is an array of { "name": … }',
    })
    return null
  }
  return raw.map((o: Record<string, unknown>) => o['name'] as string)
}

/**
 * Check a v2 inference request and turn its tensors into rows: `INVALID_ARGUMENT` (400) with one
 * issue per problem when its structure is wrong (an input is not one column, shapes disagree, an
 * element does not fit its datatype). A `null` element is a missing value (a Keel extension, so
 * the server's missing-feature policy applies); whether a value fits the model's input is the
 * predict pipeline's to judge, as for any row.
 */
export const readTensorRequest = (body: unknown): TensorRequest => {
  if (!isObject(body))
    throw badRequest([
      {
        code: 'invalid_type',
        path: [],
        message: 'the body is an inference request object with "inputs"',
      },
    ])
  const extra = Object.keys(body).filter((k) => !REQUEST_KEYS.has(k))
  if (extra.length > 0)
    throw badRequest([
      {
        code: 'unrecognized_keys',
        path: [],
        message: `unknown field(s): ${extra.slice(0, 10).join(', ')}`,
      },
    ])
  const { id, inputs } = body
  const issues: Issue[] = []
  if (id !== undefined && (typeof id !== 'string' || id.length > 256))
    issues.push({
      code: 'invalid_type',
      path: ['id'],
      message: 'id is a string of at most 256 characters',
    })
  if (body['parameters'] !== undefined && !isObject(body['parameters']))
    issues.push({ code: 'invalid_type', path: ['parameters'], message: 'parameters is an object' })
  const outputs = readOutputs(body['outputs'], issues)
  if (!Array.isArray(inputs) || inputs.length === 0)
    throw badRequest([
      ...issues,
      { code: 'invalid_type', path: ['inputs'], message: 'inputs is a non-empty array of tensors' },
    ])
  const columns: { name: string; values: unknown[] }[] = []
  const seen = new Set<string>()
  inputs.forEach((raw, i) => {
    const input = readInput(raw, i)
    if (Array.isArray(input)) issues.push(...input)
    else if (seen.has(input.name))
      issues.push({
        code: 'duplicate',
        path: ['inputs', i, 'name'],
        message: `input "${input.name}" is given twice`,
      })
    else {
      seen.add(input.name)
      columns.push(input)
    }
  })
  const n = columns[0]?.values.length ?? 0
  columns.forEach((c, i) => {
    if (c.values.length !== n)
      issues.push({
        code: 'invalid_shape',
        path: ['inputs', i, 'shape'],
        message: `every input has one element per row: "${c.name}" has ${c.values.length}, "${columns[0]!.name}" ${n}`,
      })
  })
  if (issues.length > 0) throw badRequest(issues)
  const rows = Array.from({ length: n }, (_, r) => {
    const row: Record<string, unknown> = {}
    for (const c of columns) row[c.name] = c.values[r]
    return row
  })
  return {
    ...(typeof id === 'string' ? { id } : {}),
    names: columns.map((c) => c.name),
    rows,
    outputs,
  }
}

/** The v2 datatype clients send for an input of this kind (timestamps: ISO-8601 strings). */
const inputDatatype = (field: InputField): OipDatatype => {
  switch (field.kind) {
    case 'numeric':
      return 'FP64'
    case 'boolean':
      return 'BOOL'
    case 'timestamp':
    case 'categorical':
    case 'text':
      return 'BYTES'
  }
}

/** The output tensors a bundle answers with, as model metadata lists them. */
export const outputMetadata = (bundle: ModelBundle): TensorMetadata[] => {
  const classes = bundle.task === 'regression' ? null : (bundle.label.classes ?? [])
  return [
    { name: 'prediction', datatype: classes ? 'BYTES' : 'FP64', shape: [-1] },
    ...(classes
      ? [
          { name: 'probabilities', datatype: 'FP64', shape: [-1, classes.length] } as const,
          { name: 'classes', datatype: 'BYTES', shape: [classes.length] } as const,
        ]
      : []),
    { name: 'defer', datatype: 'BOOL', shape: [-1] },
    { name: 'prediction_id', datatype: 'BYTES', shape: [-1] },
  ]
}

/**
 * Refuse (400) a request that asks for an output the bundle does not have, before anything is
 * predicted or logged.
 */
export const checkRequestedOutputs = (request: TensorRequest, bundle: ModelBundle): void => {
  const wanted = request.outputs
  if (!wanted) return
  const names = outputMetadata(bundle).map((t) => t.name)
  const issues: Issue[] = []
  wanted.forEach((w, i) => {
    if (!names.includes(w))
      issues.push({
        code: 'unknown_output',
        path: ['outputs', i],
        message: `"${w.slice(0, 100)}" is not an output of this model (${names.join(', ')})`,
      })
  })
  if (issues.length > 0) throw badRequest(issues)
}

/** The v2 model metadata of a served bundle. */
export const modelMetadata = (
  name: string,
  versions: readonly string[],
  bundle: ModelBundle,
): {
  name: string
  versions: readonly string[]
  platform: string
  inputs: TensorMetadata[]
  outputs: TensorMetadata[]
} => ({
  name,
  versions,
  platform: `keel_${bundle.model.kind}`,
  inputs: bundle.inputs.map((f) => ({ name: f.name, datatype: inputDatatype(f), shape: [-1] })),
  outputs: outputMetadata(bundle),
})

/**
 * Issue paths into the Keel body (`rows.<row>.<field>`) as paths into the v2 request
 * (`inputs.<tensor>.data.<row>`); a field no tensor carried points at `inputs`.
 */
export const tensorIssuePaths = (issues: readonly Issue[], names: readonly string[]): Issue[] =>
  issues.map((i) => {
    if (i.path[0] !== 'rows') return i
    const [, row, field] = i.path
    const at = typeof field === 'string' ? names.indexOf(field) : -1
    if (at < 0) return { ...i, path: ['inputs'] }
    return { ...i, path: typeof row === 'number' ? ['inputs', at, 'data', row] : ['inputs', at] }
  })

/**
 * Turn the predict pipeline's answer into the v2 response: the predicted label (BYTES) or value
 * (FP64), the class probabilities as an n × K FP64 tensor in the order of the `classes` tensor,
 * the defer flags and the prediction ids feedback refers to; only the `outputs` asked for, if any.
 */
export const inferenceResponse = (
  answer: PredictResponse,
  request: TensorRequest,
  bundle: ModelBundle,
): InferenceResponse => {
  const n = answer.predictions.length
  const p = answer.predictions
  const classes = bundle.task === 'regression' ? null : (bundle.label.classes ?? [])
  const all: Tensor[] = [
    classes
      ? { name: 'prediction', datatype: 'BYTES', shape: [n], data: p.map((r) => r.prediction) }
      : { name: 'prediction', datatype: 'FP64', shape: [n], data: p.map((r) => r.prediction) },
  ]
  if (classes) {
    all.push(
      {
        name: 'probabilities',
        datatype: 'FP64',
        shape: [n, classes.length],
        data: p.flatMap((r) => classes.map((c) => r.probabilities![c]!)),
      },
      { name: 'classes', datatype: 'BYTES', shape: [classes.length], data: [...classes] },
    )
  }
  all.push(
    { name: 'defer', datatype: 'BOOL', shape: [n], data: p.map((r) => r.defer) },
    { name: 'prediction_id', datatype: 'BYTES', shape: [n], data: p.map((r) => r.id) },
  )
  const wanted = request.outputs
  const warnings = tensorIssuePaths(answer.warnings, request.names)
  return {
    model_name: answer.model,
    model_version: answer.version,
    id: request.id ?? answer.request_id,
    parameters: { request_id: answer.request_id },
    outputs: wanted ? all.filter((t) => wanted.includes(t.name)) : all,
    ...(warnings.length > 0 ? { warnings } : {}),
  }
}

/** A Keel error body as the v2 error body, issue paths pointing into the tensors when known. */
export const inferenceError = (body: ErrorBody, names: readonly string[] = []): InferenceError => {
  const e = body.error
  return {
    error: e.hint === undefined ? e.message : `${e.message} (${e.hint})`,
    code: e.code,
    issues: tensorIssuePaths(e.issues, names),
    ...(e.request_id === undefined ? {} : { request_id: e.request_id }),
  }
}
