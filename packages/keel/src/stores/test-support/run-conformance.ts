/** Runs every metadata-backed conformance suite against one backend (used by the *.test.ts files). */
import { afterAll, beforeAll, describe, it } from 'vitest'
import { openLocalArtifactStore } from '../artifacts/local-artifact-store.js'
import {
  featureStateConformance,
  metadataStoreConformance,
  registryStoreConformance,
  trackingSearchConformance,
  trackingStoreConformance,
  type SuiteHost,
  type TestStoresHandle,
} from '../conformance/index.js'
import type { MetadataBackend } from './backends.js'

/** Vitest's functions as a suite host. */
export const vitestHost: SuiteHost = { describe, it, beforeAll, afterAll }

/** Register all metadata-backed suites for `backend`. */
export const runMetadataConformance = (backend: MetadataBackend): void => {
  const withArtifacts = async (): Promise<TestStoresHandle> => {
    const handle = await backend.open()
    return { ...handle, artifacts: openLocalArtifactStore({ dir: handle.dir }) }
  }
  metadataStoreConformance(vitestHost, backend.name, () => backend.open())
  trackingStoreConformance(vitestHost, backend.name, withArtifacts)
  trackingSearchConformance(vitestHost, backend.name, withArtifacts)
  registryStoreConformance(vitestHost, backend.name, withArtifacts)
  featureStateConformance(vitestHost, backend.name, () => backend.open())
}
