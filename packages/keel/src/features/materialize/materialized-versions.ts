import { KeelError } from '@keel/core'
import type { MaterializationStateStore } from '../../stores/features/materialization-state-store.js'
import type { ResolvedService } from '../definitions.js'

/** Per view name, the versions with a watermark in one online target, and up to when. */
export type MaterializedVersions = ReadonlyMap<string, ReadonlyMap<string, number>>

/**
 * The view versions materialized into `target` (a version counts once a run finished: it has a
 * watermark; a rebuild in progress has none).
 */
export const materializedVersions = async (
  state: MaterializationStateStore,
  target: string,
): Promise<MaterializedVersions> => {
  const out = new Map<string, Map<string, number>>()
  for (const s of await state.list()) {
    if (s.target !== target || s.watermark === null) continue
    let versions = out.get(s.view)
    if (versions === undefined) out.set(s.view, (versions = new Map()))
    versions.set(s.version, s.watermark)
  }
  return out
}

/**
 * Refuse to serve `service` unless every view version it reads was materialized into the target
 * the versions were listed for: a bundle trained on a service version whose views were never
 * written online would serve nothing but `not_found`.
 *
 * @throws KeelError NOT_FOUND naming the service, the view and its version.
 */
export const assertServiceMaterialized = (
  service: ResolvedService,
  versions: MaterializedVersions,
  target: string,
): void => {
  for (const { view } of service.views) {
    if (versions.get(view.name)?.has(view.version) === true) continue
    const known = [...(versions.get(view.name)?.keys() ?? [])]
    throw new KeelError(
      'NOT_FOUND',
      `feature service ${service.name}@${service.version} reads view ${view.name}@${view.version}, which was never materialized into ${target}`,
      {
        path: ['featureServices', service.name, view.name],
        details: {
          service: service.name,
          serviceVersion: service.version,
          view: view.name,
          version: view.version,
          target,
          materializedVersions: known,
        },
        hint: `run \`keel features materialize\` for ${service.name}`,
      },
    )
  }
}
