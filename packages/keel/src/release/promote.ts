import { KeelError, gateOutcomeOf, type GateOutcome } from '@keel/core'
import {
  resolveModelRef,
  type AliasChange,
  type KeelStores,
  type ModelRef,
} from '../stores/index.js'

/**
 * Gate-aware promotion: an alias moves to a version only when the latest recorded gate outcome for
 * that version blessed it, unless the caller forces it (and the alias history says so). The move
 * itself is the registry's atomic, serialized `promote`.
 */

/** Tags an evaluation run carries so promotion can find the latest gate outcome of a version. */
export const EVALUATION_TAGS = {
  command: 'keel.command',
  model: 'keel.model',
  version: 'keel.version',
  gate: 'keel.gate',
} as const

const quote = (s: string): string => `'${s.replaceAll("'", "''")}'`

/** Where a gate outcome was read from. */
export type GateSource = 'evaluation-run' | 'registry' | 'none'

/**
 * The latest gate outcome of a version: the most recent `keel evaluate` run tagged with it, else
 * the evaluation digest stored with the version at registration.
 */
export const gateOutcomeForVersion = async (
  stores: KeelStores,
  model: string,
  version: number,
): Promise<GateOutcome & { readonly source: GateSource; readonly runId?: string }> => {
  const page = await stores.tracking.searchRuns({
    filter: `tags.${EVALUATION_TAGS.command} = 'evaluate' AND tags.${EVALUATION_TAGS.model} = ${quote(model)} AND tags.${EVALUATION_TAGS.version} = ${quote(String(version))} AND status = 'finished'`,
    orderBy: 'attributes.start_time DESC',
    limit: 1,
  })
  const run = page.runs[0]
  const tag = run?.tags[EVALUATION_TAGS.gate]
  if (run && (tag === 'blessed' || tag === 'refused')) {
    const reasons = (run.tags['keel.gate.reasons'] ?? '').split('\n').filter((r) => r.length > 0)
    return tag === 'blessed'
      ? { state: 'blessed', source: 'evaluation-run', runId: run.id }
      : { state: 'refused', reasons, source: 'evaluation-run', runId: run.id }
  }
  const v = await stores.registry.getVersion(model, version)
  const outcome = gateOutcomeOf(v.evaluation)
  return { ...outcome, source: outcome.state === 'unknown' ? 'none' : 'registry' }
}

/** Options of {@link promoteVersion}. */
export interface PromoteOptions {
  readonly model: string
  readonly version: number
  readonly alias: string
  readonly reason?: string | undefined
  readonly actor?: string | undefined
  /** Promote even though the gate refused the version (recorded in the alias history). */
  readonly force?: boolean | undefined
  /** Compare-and-set: the version the alias must point at now (`null`: must not be set). */
  readonly expectedVersion?: number | null | undefined
}

/** What a promotion did. */
export interface PromoteResult {
  readonly change: AliasChange
  readonly gate: GateOutcome & { readonly source: GateSource }
  readonly forced: boolean
  /** The alias's recent history, newest first, including this move. */
  readonly history: readonly AliasChange[]
}

/**
 * Point `alias` at a version after checking its gate outcome. A refused version is GATE_REFUSED
 * (with the gate's reasons) unless `force` is set; a forced move says so in the recorded reason.
 */
export const promoteVersion = async (
  stores: KeelStores,
  o: PromoteOptions,
): Promise<PromoteResult> => {
  const gate = await gateOutcomeForVersion(stores, o.model, o.version)
  const forced = gate.state === 'refused'
  if (forced && !o.force) {
    throw new KeelError(
      'GATE_REFUSED',
      `${o.model} v${o.version} was refused by its gate: ${gate.reasons.join('; ') || 'no reason recorded'}`,
      {
        details: { gate },
        hint: 'fix the model, or pass --force with a --reason to promote it anyway',
      },
    )
  }
  const reason = forced ? `[forced past a refusing gate] ${o.reason ?? ''}`.trim() : o.reason
  const change = await stores.registry.promote(o.model, o.version, o.alias, {
    actor: o.actor ?? 'unknown',
    ...(reason === undefined ? {} : { reason }),
    ...(o.expectedVersion === undefined ? {} : { expectedVersion: o.expectedVersion }),
  })
  const history = await stores.registry.aliasHistory(o.model, { alias: o.alias, limit: 10 })
  return { change, gate, forced, history }
}

/** Options of {@link promoteModelRef}: {@link PromoteOptions} with a reference for the version. */
export type PromoteRefOptions = Omit<PromoteOptions, 'model' | 'version'>

/**
 * Promote the version a reference names (`name@3`, or `name:staging` for the version that alias
 * points at now). A bare name is refused: promoting "the production version" to an alias is almost
 * never what was meant, so the caller has to say which version.
 */
export const promoteModelRef = async (
  stores: KeelStores,
  ref: ModelRef,
  o: PromoteRefOptions,
): Promise<{
  readonly model: string
  readonly version: number
  readonly result: PromoteResult
}> => {
  if (ref.version === undefined && ref.alias === undefined) {
    throw new KeelError(
      'INVALID_ARGUMENT',
      `say which version to promote: ${ref.model}@<version> or ${ref.model}:<alias>`,
      { path: ['model'] },
    )
  }
  const { version: v } = await resolveModelRef(stores.registry, ref)
  const result = await promoteVersion(stores, { ...o, model: v.model, version: v.version })
  return { model: v.model, version: v.version, result }
}
