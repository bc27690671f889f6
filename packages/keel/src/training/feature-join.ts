import { createHash } from 'node:crypto'
import {
  KeelError,
  fieldsWithRole,
  numericColumn,
  type ContractField,
  type Frame,
  type SchemaContract,
} from '@keel/core'
import type { DatasetFingerprint } from '../data/index.js'
import {
  projectFeatureDefinitions,
  serviceNamed,
  type GetHistoricalFeatures,
  type ResolvedService,
} from '../features/index.js'
import type { Project } from '../project/index.js'

/**
 * The training side of the feature store: the project's rows are the entity rows (keys and the
 * prediction time, the contract's timestamp), and `dataset.featureService` is joined to them point
 * in time, as of the time each value was known, before anything is fingerprinted or split. The
 * joined features become feature fields of the contract; when each was known is kept beside them
 * for the leakage report, so its time-travel check needs no configuration; the fingerprint covers
 * the service's version, so the same config and data give the same training set, bit for bit.
 */

/** What training records of the joined service (lineage, leakage, model card). */
export interface JoinedFeatureService {
  readonly service: ResolvedService
  /** Per service view (keyed like `HistoricalFeatures.knownTime`): when each row's value was known. */
  readonly knownTime: Readonly<Record<string, Float64Array>>
  /** Per service output: the view key its known times are under (absent for on-demand features). */
  readonly knownTimeOf: Readonly<Record<string, string>>
  /** Per service output: how many rows had no value to join (status other than present). */
  readonly missing: Readonly<Record<string, number>>
}

/** The view key of a service view, as `HistoricalFeatures.knownTime` names it. */
export const serviceViewKey = (prefix: string, view: string): string =>
  prefix ? prefix + view : view

/**
 * Join `dataset.featureService` to the rows: the frame gains one column per service output and
 * the contract one feature field per output (nullable: a value may be missing at a row's time).
 */
export const joinProjectFeatures = async (
  project: Project,
  frame: Frame,
  contract: SchemaContract,
  join: GetHistoricalFeatures,
): Promise<{ frame: Frame; contract: SchemaContract; joined: JoinedFeatureService }> => {
  const name = project.config.dataset.featureService!
  const store = projectFeatureDefinitions(project)
  const service = serviceNamed(store, name)
  const timeColumn = fieldsWithRole(contract, 'timestamp')[0]
  if (timeColumn === undefined) {
    throw new KeelError(
      'INVALID_CONFIG',
      `dataset.featureService needs the rows' prediction time: give one field the timestamp role`,
      { path: ['dataset', 'featureService'] },
    )
  }
  for (const out of service.outputs) {
    if (frame.has(out.name) || contract.fields.some((f) => f.name === out.name)) {
      throw new KeelError(
        'INVALID_CONFIG',
        `feature service "${name}" produces "${out.name}", which the dataset already has: rename it with a prefix`,
        { path: ['featureServices'], details: { column: out.name } },
      )
    }
  }
  const result = await join(store, frame, { service: name, timeColumn })
  const fields: ContractField[] = service.outputs.map((o) => ({
    name: o.name,
    kind: o.kind,
    role: 'feature',
    nullable: true,
    description: `feature service ${name}@${service.version}`,
  }))
  const knownTimeOf: Record<string, string> = {}
  for (const sv of service.views) {
    for (const f of sv.features)
      knownTimeOf[sv.prefix + f.name] = serviceViewKey(sv.prefix, sv.view.name)
  }
  const missing: Record<string, number> = {}
  for (const o of service.outputs) {
    const s = result.status[o.name]
    let n = 0
    if (s) for (let i = 0; i < s.length; i++) if (s[i] !== 0) n++
    missing[o.name] = n
  }
  return {
    frame: result.frame,
    contract: { ...contract, fields: [...contract.fields, ...fields] },
    joined: { service, knownTime: result.knownTime, knownTimeOf, missing },
  }
}

/** The fingerprint of a training set joined to a feature service: the data and the service version. */
export const fingerprintWithService = (
  fingerprint: DatasetFingerprint,
  joined: JoinedFeatureService | null,
): DatasetFingerprint => {
  if (joined === null) return fingerprint
  const views = joined.service.views.map((v) => `${v.view.name}@${v.view.version}`).join(',')
  const combined = createHash('sha256')
    .update(
      `${fingerprint.fingerprint}\n${joined.service.name}@${joined.service.version}\n${views}`,
    )
    .digest('hex')
  return { ...fingerprint, fingerprint: combined }
}

/** The column prefix of the known-time columns the leakage report reads. */
const KNOWN_AT = '__known_at__'

/**
 * The frame the leakage report reads, and its availability declarations: one known-time column per
 * service view, declared for each of the view's outputs (on top of what the config declares).
 */
export const leakageAvailability = (
  frame: Frame,
  joined: JoinedFeatureService | null,
  declared: Readonly<Record<string, unknown>> | undefined,
): { frame: Frame; availability: Record<string, unknown> | undefined } => {
  if (joined === null)
    return { frame, availability: declared as Record<string, unknown> | undefined }
  const columns: Record<string, ReturnType<typeof numericColumn>> = {}
  for (const [key, times] of Object.entries(joined.knownTime))
    columns[KNOWN_AT + key] = numericColumn(times)
  const availability: Record<string, unknown> = { ...(declared ?? {}) }
  for (const [output, key] of Object.entries(joined.knownTimeOf)) {
    if (availability[output] === undefined) availability[output] = { column: KNOWN_AT + key }
  }
  return { frame: frame.withColumns(columns), availability }
}

/** The lineage entry of the joined service (see `BundleLineage.featureService`). */
export const serviceLineage = (joined: JoinedFeatureService) => ({
  name: joined.service.name,
  version: joined.service.version,
  views: joined.service.views.map((v) => ({ name: v.view.name, version: v.view.version })),
})
