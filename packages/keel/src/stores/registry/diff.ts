/**
 * `diffVersions`: what changed between two versions of a model, as data — the source runs' params
 * and metrics, the evaluation summary leaf by leaf, the datasets, the parent and the bundle.
 */
import type { Kysely } from 'kysely'
import type { KeelDatabase } from '../metadata/schema.js'
import { recordsByIds } from '../tracking/run-rows.js'
import type { DatasetInput } from '../tracking/types.js'
import type { ChangedValue, EvaluationJson, VersionDiff } from './types.js'
import { loadVersion } from './version-rows.js'

/** Flatten JSON to leaf paths (`a.b`, `a[0].c`); empty objects and arrays are leaves. */
export const flattenJson = (
  value: EvaluationJson,
  prefix = '',
  out = new Map<string, EvaluationJson>(),
): Map<string, EvaluationJson> => {
  if (Array.isArray(value) && value.length > 0) {
    value.forEach((v: EvaluationJson, i: number) => flattenJson(v, `${prefix}[${i}]`, out))
  } else if (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.keys(value).length > 0
  ) {
    for (const [k, v] of Object.entries(value))
      flattenJson(v, prefix === '' ? k : `${prefix}.${k}`, out)
  } else {
    out.set(prefix, value)
  }
  return out
}

const changed = <T>(
  a: Readonly<Record<string, T>> | ReadonlyMap<string, T>,
  b: Readonly<Record<string, T>> | ReadonlyMap<string, T>,
  same: (x: T, y: T) => boolean,
): ChangedValue<T>[] => {
  const ma = a instanceof Map ? a : new Map(Object.entries(a))
  const mb = b instanceof Map ? b : new Map(Object.entries(b))
  const keys = [...new Set([...ma.keys(), ...mb.keys()])].sort()
  return keys.flatMap((key) => {
    const from = ma.has(key) ? (ma.get(key) as T) : null
    const to = mb.has(key) ? (mb.get(key) as T) : null
    return from !== null && to !== null && same(from, to) ? [] : [{ key, from, to }]
  })
}

const datasetKey = (d: DatasetInput): string => `${d.role}\u0000${d.fingerprint}`

/** Diff two versions of `model`. */
export const diffVersions = async (
  db: Kysely<KeelDatabase>,
  model: string,
  from: number,
  to: number,
): Promise<VersionDiff> => {
  const [a, b] = await Promise.all([loadVersion(db, model, from), loadVersion(db, model, to)])
  const runIds = [a.sourceRunId, b.sourceRunId].filter((id): id is string => id !== null)
  const runs = await recordsByIds(db, runIds)
  const runOf = (id: string | null) => runs.find((r) => r.id === id)
  const ra = runOf(a.sourceRunId)
  const rb = runOf(b.sourceRunId)
  const metrics = changed(ra?.metrics ?? {}, rb?.metrics ?? {}, (x, y) => x === y).map((m) => ({
    ...m,
    delta: m.from !== null && m.to !== null ? m.to - m.from : null,
  }))
  const inA = new Map(a.datasets.map((d) => [datasetKey(d), d]))
  const inB = new Map(b.datasets.map((d) => [datasetKey(d), d]))
  return {
    model,
    from,
    to,
    bundleChanged: a.bundle.digest !== b.bundle.digest,
    sourceRun: { from: a.sourceRunId, to: b.sourceRunId },
    parent: { from: a.parent, to: b.parent },
    params: changed(ra?.params ?? {}, rb?.params ?? {}, (x, y) => x === y),
    metrics,
    evaluation: changed(
      flattenJson(a.evaluation),
      flattenJson(b.evaluation),
      (x, y) => JSON.stringify(x) === JSON.stringify(y),
    ),
    datasets: {
      added: b.datasets.filter((d) => !inA.has(datasetKey(d))),
      removed: a.datasets.filter((d) => !inB.has(datasetKey(d))),
      unchanged: b.datasets.filter((d) => inA.has(datasetKey(d))),
    },
  }
}
