/**
 * One call that opens everything the platform keeps for a workspace: the metadata database, the
 * artifact store, and tracking and the registry on top of them.
 */
import { openLocalArtifactStore } from './artifacts/local-artifact-store.js'
import type { ArtifactStore } from './artifacts/artifact-store.js'
import {
  openMetadataStore,
  type MetadataStore,
  type OpenMetadataStoreOptions,
} from './metadata/open.js'
import { createRegistryStore } from './registry/sql-registry-store.js'
import type { RegistryStore } from './registry/registry-store.js'
import { createTrackingStore } from './tracking/sql-tracking-store.js'
import type { TrackingStore } from './tracking/tracking-store.js'

/** The stores of one workspace. */
export interface KeelStores {
  readonly metadata: MetadataStore
  readonly artifacts: ArtifactStore
  readonly tracking: TrackingStore
  readonly registry: RegistryStore
  /** Close the metadata connection(s). */
  close(): Promise<void>
}

/** Options for {@link openStores}: the metadata options plus where artifacts live. */
export interface OpenStoresOptions extends OpenMetadataStoreOptions {
  /** Artifact root (default `<dir>/.keel/artifacts`). */
  readonly artifactRoot?: string | undefined
}

/**
 * Open the workspace's stores.
 *
 * @example
 * const stores = await openStores({ dir, url: 'postgres://keel@127.0.0.1/keel' }) // or openProjectStores(project)
 * const run = await stores.tracking.createRun({ experiment: 'flights' })
 */
export const openStores = async (options: OpenStoresOptions = {}): Promise<KeelStores> => {
  const artifacts = openLocalArtifactStore({ dir: options.dir, root: options.artifactRoot })
  const metadata = await openMetadataStore(options)
  return {
    metadata,
    artifacts,
    tracking: createTrackingStore(metadata, { artifacts }),
    registry: createRegistryStore({ metadata, artifacts }),
    close: () => metadata.close(),
  }
}
