import { z } from 'zod'
import { KeelError, type Issue } from '@keel/core'
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
