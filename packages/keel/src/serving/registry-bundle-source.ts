import { KeelError, ModelBundle } from '@keel/core'
import type { KeelStores } from '../stores/index.js'
import type { BundleRef, BundleSource } from './bundle-source.js'

/**
 * Bundles from the model registry: aliases resolve through the registry on every check (so a
 * promote is seen at the next reload), and bundles are read from the artifact store, where their
 * hash is verified — a tampered artifact is refused with `ARTIFACT_CORRUPT`, never served.
 */
export const createRegistryBundleSource = (stores: KeelStores): BundleSource => ({
  async resolveVersion(model: string, ref: BundleRef): Promise<string> {
    if ('version' in ref) {
      const n = Number(ref.version)
      if (!Number.isInteger(n) || n < 1)
        throw new KeelError('NOT_FOUND', `model "${model}" has no version "${ref.version}"`)
      return String((await stores.registry.getVersion(model, n)).version)
    }
    return String((await stores.registry.getByAlias(model, ref.alias)).version)
  },
  async load(model: string, version: string): Promise<ModelBundle> {
    const record = await stores.registry.getVersion(model, Number(version))
    const bytes = await stores.artifacts.get(record.bundle.digest)
    let json: unknown
    try {
      json = JSON.parse(Buffer.from(bytes).toString('utf8'))
    } catch (e) {
      throw new KeelError('ARTIFACT_CORRUPT', `bundle of ${model} v${version} is not JSON`, {
        cause: e,
      })
    }
    return ModelBundle.fromJSON(json)
  },
})

/** Parse `name`, `name@3` (a version) or `name:staging` (an alias; default `production`). */
export const parseModelRef = (
  text: string,
  defaultAlias = 'production',
): { model: string; ref: BundleRef } => {
  const at = /^([^@:]+)@(\d+)$/.exec(text)
  if (at) return { model: at[1]!, ref: { version: at[2]! } }
  const colon = /^([^@:]+):([A-Za-z0-9_.-]+)$/.exec(text)
  if (colon) return { model: colon[1]!, ref: { alias: colon[2]! } }
  if (/^[^@:]+$/.test(text)) return { model: text, ref: { alias: defaultAlias } }
  throw new KeelError(
    'INVALID_ARGUMENT',
    `"${text}" is not a model reference (name, name@version or name:alias)`,
  )
}
