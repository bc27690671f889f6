import type { ResolvedService } from '../definitions.js'
import {
  materializeView,
  type MaterializeOptions,
  type MaterializeSummary,
} from './materialize-view.js'

/**
 * Materialize every view of a service, one after the other (a view used twice, under two keys or
 * prefixes, is materialized once). Stops at the first failure; the views done so far keep their
 * advanced watermarks, so a rerun continues where it stopped.
 */
export const materializeService = async (
  service: ResolvedService,
  options: MaterializeOptions,
): Promise<MaterializeSummary[]> => {
  const done = new Set<string>()
  const out: MaterializeSummary[] = []
  for (const { view } of service.views) {
    if (done.has(view.name)) continue
    done.add(view.name)
    out.push(await materializeView(view, options))
  }
  return out
}
