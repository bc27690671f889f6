import { KeelError, type FrameProfile } from '@keel/core'

/** The learning task of a project. */
export type InitTask = 'binary' | 'multiclass' | 'regression'

/** The task a label column suggests: two values → binary, a few categories → multiclass. */
export const suggestTask = (profile: FrameProfile, label: string): InitTask => {
  const col = profile.columns.find((c) => c.name === label)
  if (!col)
    throw new KeelError('SCHEMA_MISMATCH', `label column "${label}" is not in the data`, {
      path: [label],
    })
  if (col.kind === 'boolean') return 'binary'
  const distinct = col.distinct.value
  if (col.kind === 'categorical' || col.kind === 'text')
    return distinct <= 2 ? 'binary' : 'multiclass'
  return distinct <= 2 ? 'binary' : 'regression'
}
