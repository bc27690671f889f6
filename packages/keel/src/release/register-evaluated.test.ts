/**
 * Registration writes the version's card for the number the model hands out next and registers
 * both in one transaction: when another writer takes that number in between, the card is written
 * again for the new number, so no card ever names another version.
 */
import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyEvaluation, createRng, evaluateCandidate, type EvaluationOutcome } from '@keel/core'
import { toyBundle, toyData } from '@keel/core/testing'
import { openStores, type KeelStores, type VersionCard } from '../stores/index.js'
import { tempDir } from '../stores/test-support/backends.js'
import { registerEvaluatedBundle, storeEvaluationReport } from './register-evaluated.js'

let dir: string
let stores: KeelStores
const draft = toyBundle('binary', toyData('binary', 400, 1))
// Few resamples: the intervals are not what this test checks.
const outcome: EvaluationOutcome = evaluateCandidate({
  bundle: draft,
  validation: toyData('binary', 200, 2),
  test: toyData('binary', 200, 3),
  config: {
    bootstrap: { resamples: 50 },
    discovery: { enabled: false },
    errorAnalysis: { enabled: false },
    backtest: { enabled: false },
    gate: { minimum: { roc_auc: 0.5 } },
  },
  rng: createRng(5),
})

beforeAll(async () => {
  dir = tempDir('keel-register-')
  stores = await openStores({ dir })
})
afterAll(async () => {
  await stores.close()
  rmSync(dir, { recursive: true, force: true })
})

/** A card naming the version it was written for. */
const cardFor = async (version: number): Promise<VersionCard> => ({
  json: await stores.artifacts.put(JSON.stringify({ version })),
  html: await stores.artifacts.put(`<p>v${version}</p>`),
})

describe('registerEvaluatedBundle', () => {
  it('writes the card again when another writer takes the number first', async () => {
    const reportArtifact = await storeEvaluationReport(stores, outcome.report)
    const other = await stores.artifacts.put('another bundle')
    const asked: number[] = []
    const { version, card } = await registerEvaluatedBundle(stores, {
      model: 'raced',
      bundle: applyEvaluation(draft, outcome, reportArtifact.digest),
      report: outcome.report,
      reportArtifact,
      card: async (prospective, lineage) => {
        asked.push(prospective.version)
        expect(lineage.version).toBe(prospective)
        // The first time, another writer registers a version between the card and the commit.
        if (asked.length === 1)
          await stores.registry.createVersion({ model: 'raced', bundle: other })
        return cardFor(prospective.version)
      },
    })
    expect(asked).toEqual([1, 2])
    expect(version?.version).toBe(2)
    expect(version?.status).toBe('approved')
    const [registration] = await stores.registry.listEvaluations('raced', 2)
    expect(registration?.card).toEqual(card)
    expect(
      JSON.parse(new TextDecoder().decode(await stores.artifacts.get(card!.json.digest))),
    ).toEqual({
      version: 2,
    })
    // The version the other writer registered has no card of this registration.
    expect(await stores.registry.listEvaluations('raced', 1)).toEqual([])
  })

  it('registers nothing when the card cannot be written', async () => {
    const reportArtifact = await storeEvaluationReport(stores, outcome.report)
    await expect(
      registerEvaluatedBundle(stores, {
        model: 'cardless',
        bundle: applyEvaluation(draft, outcome, reportArtifact.digest),
        report: outcome.report,
        reportArtifact,
        card: () => Promise.reject(new Error('disk full')),
      }),
    ).rejects.toThrow('disk full')
    await expect(stores.registry.getModel('cardless')).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })
})
