import { describe, expect, it } from 'vitest'
import { selectBest, tieNote, type Selectable } from './select.js'

const fit = (name: string, auc: number | null, role: Selectable['role'] = 'candidate') => ({
  name,
  role,
  status: 'finished' as const,
  metrics: { validation: { roc_auc: auc }, test: { roc_auc: auc } },
})

const primary = { name: 'roc_auc', higherIsBetter: true }

describe('choosing the winner', () => {
  it('states a tie on validation and the rule that broke it', () => {
    const results = [
      fit('prior', 0.5, 'baseline'),
      fit('gbdt', 0.9),
      fit('forest', 0.9),
      fit('lr', 0.8),
    ]
    const { best } = selectBest(results, primary)
    expect(best.name).toBe('gbdt')
    expect(tieNote(results, best, primary)).toBe(
      'candidates "gbdt", "forest" tie on validation roc_auc (0.9000): "gbdt" was chosen because it is listed first in the config',
    )
  })

  it('says nothing when the winner is alone at its score', () => {
    const results = [fit('gbdt', 0.91), fit('forest', 0.9)]
    expect(tieNote(results, selectBest(results, primary).best, primary)).toBeNull()
  })
})
