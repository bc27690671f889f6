import { describe, expect, it } from 'vitest'
import { textTable, when } from './text-table.js'

describe('text tables', () => {
  it('align columns, right-align numbers and neutralise control characters', () => {
    const t = textTable(
      ['name', 'auc'],
      [
        ['gbdt', '0.81'],
        ['zero\u001b[31m', '0.5'],
      ],
    )
    expect(t.split('\n')).toEqual([
      `name${' '.repeat(8)}auc`,
      `${'─'.repeat(9)}  ${'─'.repeat(4)}`,
      `gbdt${' '.repeat(7)}0.81`,
      'zero [31m   0.5',
    ])
    expect(textTable(['a'], [])).toBe('(none)')
    expect(textTable(['a'], [['x'.repeat(100)]]).split('\n')[2]).toHaveLength(60)
    expect(when(0)).toBe('1970-01-01 00:00:00')
  })
})
