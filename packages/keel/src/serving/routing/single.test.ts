import { describe, expect, it } from 'vitest'
import { singleRouting } from './single.js'

describe('singleRouting', () => {
  it('answers with the requested model and ref, with propensity 1 and no shadows', () => {
    const request = { model: 'flights', ref: { alias: 'staging' }, requestId: 'r', rows: [{}] }
    const { primary, shadows } = singleRouting().route(request)
    expect(primary).toEqual({
      id: 'single',
      model: 'flights',
      ref: { alias: 'staging' },
      propensity: 1,
    })
    expect(shadows).toEqual([])
  })
})
