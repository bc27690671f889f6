import { z } from 'zod'
import { KeelError, type Issue, type Task } from '@keel/core'
import { encodeLabel } from '../monitoring/event-values.js'
import { newSortableId } from '../stores/ids.js'
import type { LabelEvent } from '../stores/events/index.js'
import { MAX_EVENT_TIME } from './event-time.js'

const scalar = z.union([z.string().max(256), z.number(), z.boolean()])

/** A label value: a class name, a number or a boolean. */
export const labelValueSchema = scalar.describe(
  'the observed outcome: a class name, a number or a boolean',
)

const entitySchema = z
  .record(z.string().min(1).max(64), scalar)
  .refine(
    (e) => Object.keys(e).length >= 1 && Object.keys(e).length <= 16,
    'an entity key has 1 to 16 fields',
  )
  .describe('the entity the outcome is about, with the same key fields the prediction carried')

const timeSchema = z.union([
  z.number().int().nonnegative().max(MAX_EVENT_TIME),
  z.iso.datetime({ offset: true }),
])

const arrivalSchema = timeSchema
  .optional()
  .describe(
    'when the label counts as arrived (replays and backfills; default: when the service receives it)',
  )

/** Feedback for one prediction whose id the client kept. */
export const feedbackByIdSchema = z.strictObject({
  request_id: z
    .string()
    .min(1)
    .max(200)
    .describe(
      'a prediction id "<request_id>:<row>" from a predict answer, or the bare request id of a one-row request',
    ),
  label: labelValueSchema,
  model: z.string().min(1).max(200).optional(),
  time: arrivalSchema,
})

/** A natural label: the outcome for an entity at a time, joined later to the prediction made as of then. */
export const feedbackByEntitySchema = z.strictObject({
  entity: entitySchema,
  event_time: timeSchema.describe(
    'when the outcome happened: epoch milliseconds or an ISO-8601 date-time',
  ),
  label: labelValueSchema,
  model: z.string().min(1).max(200).optional(),
  time: arrivalSchema,
})

/** Several labels in one request. */
export const feedbackBatchSchema = z.strictObject({
  labels: z
    .array(z.union([feedbackByIdSchema, feedbackByEntitySchema]))
    .min(1)
    .max(1000),
})

const toEpoch = (t: number | string): number => (typeof t === 'number' ? t : Date.parse(t))

type One = z.infer<typeof feedbackByIdSchema> | z.infer<typeof feedbackByEntitySchema>

const toIssues = (error: z.ZodError, prefix: (string | number)[]): Issue[] =>
  error.issues.slice(0, 100).map((i) => ({
    code: i.code,
    path: [...prefix, ...i.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
    message: i.message,
  }))

const parseOne = (item: unknown, path: (string | number)[]): One | Issue[] => {
  // Pick the schema by its key field so the issues describe the form the client meant.
  const byId = typeof item === 'object' && item !== null && 'request_id' in item
  const r = (byId ? feedbackByIdSchema : feedbackByEntitySchema).safeParse(item)
  return r.success ? r.data : toIssues(r.error, path)
}

/**
 * Turn a feedback body — `{ request_id, label }`, `{ entity, event_time, label }` or
 * `{ labels: [...] }` — into label events stamped with their arrival time: `now`, or the `time` a
 * replay supplies (feedback always needs the token; see `event-time.ts`). Invalid bodies are
 * `VALIDATION_FAILED` with one issue per problem.
 */
export const parseFeedback = (body: unknown, now: number = Date.now()): LabelEvent[] => {
  const batch = typeof body === 'object' && body !== null && 'labels' in body
  let items: unknown[]
  if (batch) {
    const r = feedbackBatchSchema.safeParse(body)
    if (!r.success)
      throw new KeelError('VALIDATION_FAILED', 'invalid feedback', {
        issues: toIssues(r.error, []),
      })
    items = r.data.labels
  } else items = [body]
  const events: LabelEvent[] = []
  const issues: Issue[] = []
  items.forEach((item, i) => {
    const one = parseOne(item, batch ? ['labels', i] : [])
    if (Array.isArray(one)) {
      issues.push(...one)
      return
    }
    const base = {
      kind: 'label' as const,
      id: newSortableId(now),
      time: one.time === undefined ? now : toEpoch(one.time),
      ...(one.time === undefined ? {} : { receivedAt: now }),
      label: one.label,
      ...(one.model ? { model: one.model } : {}),
    }
    if ('request_id' in one) events.push({ ...base, predictionId: one.request_id })
    else {
      events.push({ ...base, entity: one.entity, eventTime: toEpoch(one.event_time) })
    }
  })
  if (issues.length > 0) {
    throw new KeelError(
      'VALIDATION_FAILED',
      `${issues.length} feedback problem(s): ${issues[0]!.message}`,
      {
        issues: issues.slice(0, 100),
      },
    )
  }
  return events
}

/** What a label may be for one model the server answers with: its task and class names. */
export interface LabelDomain {
  readonly model: string
  readonly task: Task
  readonly classes: readonly string[] | undefined
}

/**
 * A prediction id as the service issues them: the request id (a UUID version 7, see
 * `request-id.ts`), then `:<row>` (absent for the bare id of a one-row request).
 */
const PREDICTION_ID =
  /^([0-9a-f]{8})-([0-9a-f]{4})-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}(?::(0|[1-9][0-9]{0,8}))?$/

/**
 * How far ahead of this server's clock a prediction id's time may be: ids come from the clocks of
 * the replicas that answered, which NTP keeps within far less than this.
 */
export const MAX_ID_CLOCK_SKEW_MS = 5 * 60_000

/** Why a prediction id cannot name a prediction this service made, or undefined if it can. */
export const predictionIdProblem = (id: string, now: number): string | undefined => {
  const m = PREDICTION_ID.exec(id)
  if (!m)
    return 'is not a prediction id of this service ("<request id>:<row>" from a predict answer)'
  const issued = parseInt(m[1]! + m[2]!, 16)
  if (issued > now + MAX_ID_CLOCK_SKEW_MS)
    return `was issued at ${new Date(issued).toISOString()}, in the future: no prediction has it yet`
  return undefined
}

const domainText = (d: LabelDomain): string =>
  d.task === 'regression'
    ? `a number for "${d.model}"`
    : `one of ${d.classes!.map((c) => JSON.stringify(c)).join(', ')} for "${d.model}"`

/**
 * Check parsed labels against what the service knows without a lookup: a prediction id must have
 * the form the service issues and a time not in the future (the event log has no index by id,
 * and a prediction may still be on its way there, so an id of the right form is not looked up),
 * and a label must be readable by the monitor for the model it names (`model`), or — when it
 * names none — for at least one of the models loaded. Labels for a model that is not loaded are
 * not checked against classes. An unknown id is `NOT_FOUND` (404); any invalid label makes the
 * whole batch `VALIDATION_FAILED` (422), unknown ids listed too. Nothing is stored either way.
 */
export const checkFeedback = (
  labels: readonly LabelEvent[],
  domains: readonly LabelDomain[],
  options: { readonly batch: boolean; readonly now?: number },
): void => {
  const now = options.now ?? Date.now()
  const unknown: Issue[] = []
  const invalid: Issue[] = []
  labels.forEach((l, i) => {
    const at = options.batch ? ['labels', i] : []
    if (l.predictionId !== undefined) {
      const problem = predictionIdProblem(l.predictionId, now)
      if (problem)
        unknown.push({
          code: 'unknown_prediction',
          path: [...at, 'request_id'],
          message: `"${l.predictionId.slice(0, 100)}" ${problem}`,
        })
    }
    const candidates = domains.filter((d) => l.model === undefined || d.model === l.model)
    if (candidates.length === 0) return
    if (candidates.some((d) => encodeLabel(l.label, d) !== null)) return
    invalid.push({
      code: 'invalid_label',
      path: [...at, 'label'],
      message: `label ${JSON.stringify(l.label)} is not ${candidates.map(domainText).join(' or ')}`,
    })
  })
  const issues = [...invalid, ...unknown].slice(0, 100)
  if (issues.length === 0) return
  if (invalid.length > 0)
    throw new KeelError(
      'VALIDATION_FAILED',
      `${issues.length} feedback problem(s): ${issues[0]!.message}`,
      { issues },
    )
  throw new KeelError('NOT_FOUND', `unknown prediction id: ${issues[0]!.message}`, {
    issues,
    hint: 'send the "id" of a prediction from a predict answer as request_id, or label by entity',
  })
}
