/** Events for tests of event logs and of the code that reads them. */
import type { KeelEvent } from '../events/types.js'

/** A prediction event for tests. */
export const predictionEvent = (
  requestId: string,
  row: number,
  time: number,
  extra: Partial<Omit<KeelEvent, 'kind'>> & {
    model?: string
    entity?: Record<string, string | number>
  } = {},
): KeelEvent => ({
  kind: 'prediction',
  id: `${requestId}:${row}`,
  requestId,
  time,
  model: extra.model ?? 'flights',
  version: '1',
  inputs: { distance: 100 + row, origin: 'SFO' },
  output: {
    prediction: 'late',
    probabilities: { on_time: 0.25, late: 0.75 },
    confidence: 0.75,
    defer: false,
  },
  ...(extra.entity ? { entity: extra.entity } : {}),
})

/** A label event for tests. */
export const labelEvent = (
  id: string,
  time: number,
  fields: Partial<KeelEvent & { kind: 'label' }>,
): KeelEvent => ({
  kind: 'label',
  id,
  time,
  label: 'late',
  ...fields,
})
