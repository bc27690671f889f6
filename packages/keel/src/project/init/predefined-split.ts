import type { FrameProfile } from '@keel/core'

const PART_NAMES = new Set(['train', 'validation', 'test'])
const SPLIT_COLUMN = /^(split|fold|set|subset|partition|part)$/i

/**
 * A column that already says which part each row is in (named split / fold / set / …, every value
 * one of train, validation, test, with train and test present), or `undefined`. Its top values
 * must be counted exactly, so a guess is never made from a sample of the values.
 */
export const predefinedSplitColumn = (profile: FrameProfile, label: string): string | undefined =>
  profile.columns.find((c) => {
    if (c.name === label || !SPLIT_COLUMN.test(c.name)) return false
    if (c.kind !== 'categorical' && c.kind !== 'text') return false
    if (!c.topExact || c.missing > 0 || c.top.length === 0) return false
    const values = c.top.map((t) => t.value.trim().toLowerCase())
    const total = c.top.reduce((s, t) => s + t.count, 0)
    return (
      total === c.count &&
      values.every((v) => PART_NAMES.has(v)) &&
      values.includes('train') &&
      values.includes('test')
    )
  })?.name
