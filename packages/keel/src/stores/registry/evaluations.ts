/**
 * A version's evaluations and their model cards: the one it was registered with and every later
 * evaluation, each a row of its own that is never updated, so a later evaluation under another
 * config cannot rewrite the verdict the version was registered (and perhaps promoted) with.
 */
import type { Kysely, Transaction } from 'kysely'
import { KeelError } from '@keel/core'
import type { ArtifactStore } from '../artifacts/artifact-store.js'
import { checkDigest } from '../artifacts/digest.js'
import type { KeelDatabase } from '../metadata/schema.js'
import { newSortableId } from '../ids.js'
import type {
  EvaluationJson,
  VersionEvaluationInput,
  VersionEvaluationKind,
  VersionEvaluationRecord,
} from './types.js'
import { evaluationJson } from './validate.js'

/** An evaluation checked and sized against the artifact store, ready to insert. */
export interface CheckedEvaluation {
  readonly report: string
  readonly json: { readonly digest: string; readonly size: number }
  readonly html: { readonly digest: string; readonly size: number }
  readonly blessed: boolean
  readonly summary: string
  readonly runId: string | null
  readonly createdBy: string | null
}

/**
 * Check an evaluation's input and that its report and card are in the artifact store (the card
 * sizes are taken from the store). Done before any transaction: nothing is written on bad input.
 */
export const checkEvaluation = async (
  artifacts: ArtifactStore,
  input: VersionEvaluationInput,
  path: readonly string[],
): Promise<CheckedEvaluation> => {
  if (typeof input !== 'object' || input === null || typeof input.card !== 'object' || !input.card)
    throw new KeelError('INVALID_ARGUMENT', 'an evaluation needs its report and card', { path })
  if (typeof input.blessed !== 'boolean')
    throw new KeelError('INVALID_ARGUMENT', 'blessed must be true or false', {
      path: [...path, 'blessed'],
    })
  const report = checkDigest(input.report, [...path, 'report'])
  const summary = evaluationJson(input.summary)
  const stored = async (
    digest: string,
    where: readonly string[],
  ): Promise<{ digest: string; size: number }> => {
    const d = checkDigest(digest, [...where])
    const stat = await artifacts.stat(d)
    if (stat === undefined)
      throw new KeelError('NOT_FOUND', `artifact ${d} is not in the artifact store`, {
        path: [...where],
        hint: 'put the report and the card in the artifact store before recording the evaluation',
      })
    return { digest: d, size: stat.size }
  }
  await stored(report, [...path, 'report'])
  return {
    report,
    json: await stored(input.card.json?.digest, [...path, 'card', 'json']),
    html: await stored(input.card.html?.digest, [...path, 'card', 'html']),
    blessed: input.blessed,
    summary,
    runId: input.runId ?? null,
    createdBy: input.createdBy ?? null,
  }
}

/** Insert one evaluation of version row `versionId` inside `trx`; its id. */
export const insertEvaluation = async (
  trx: Transaction<KeelDatabase>,
  versionId: string,
  kind: VersionEvaluationKind,
  e: CheckedEvaluation,
  now: number,
): Promise<string> => {
  if (e.runId !== null) {
    const run = await trx
      .selectFrom('runs')
      .select('id')
      .where('id', '=', e.runId)
      .executeTakeFirst()
    if (!run) throw new KeelError('NOT_FOUND', `run ${e.runId} does not exist`, { path: ['runId'] })
  }
  const id = newSortableId(now)
  await trx
    .insertInto('model_version_evaluations')
    .values({
      id,
      version_id: versionId,
      kind,
      report_digest: e.report,
      card_json_digest: e.json.digest,
      card_json_size: e.json.size,
      card_html_digest: e.html.digest,
      card_html_size: e.html.size,
      blessed: e.blessed ? 1 : 0,
      summary: e.summary,
      run_id: e.runId,
      created_at: now,
      created_by: e.createdBy,
    })
    .execute()
  return id
}

/** The evaluations of one version (by model name and number), oldest first, registration first. */
export const listEvaluations = async (
  db: Kysely<KeelDatabase>,
  model: string,
  version: number,
): Promise<VersionEvaluationRecord[]> => {
  const rows = await db
    .selectFrom('model_version_evaluations as e')
    .innerJoin('model_versions as v', 'v.id', 'e.version_id')
    .innerJoin('registered_models as m', 'm.id', 'v.model_id')
    .selectAll('e')
    .where('m.name', '=', model)
    .where('v.version', '=', version)
    .orderBy('e.created_at')
    .orderBy('e.id')
    .execute()
  return rows
    .map((r) => ({
      id: r.id,
      model,
      version,
      kind: r.kind as VersionEvaluationKind,
      report: r.report_digest,
      card: {
        json: { digest: r.card_json_digest, size: Number(r.card_json_size) },
        html: { digest: r.card_html_digest, size: Number(r.card_html_size) },
      },
      blessed: Number(r.blessed) === 1,
      summary: JSON.parse(r.summary) as { [key: string]: EvaluationJson },
      runId: r.run_id,
      createdAt: Number(r.created_at),
      createdBy: r.created_by,
    }))
    .sort((a, b) => Number(b.kind === 'registration') - Number(a.kind === 'registration'))
}
