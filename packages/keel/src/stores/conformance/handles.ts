/** What the metadata-backed conformance suites are given by the backend under test. */
import type { ArtifactStore } from '../artifacts/artifact-store.js'
import type { MetadataStore } from '../metadata/open.js'

/** An opened test database. */
export interface TestMetadataHandle {
  readonly metadata: MetadataStore
  /** A second, independent connection to the same database (another "process"). */
  reopen(): Promise<MetadataStore>
  cleanup(): Promise<void>
}

/** An opened test database with an artifact store beside it. */
export interface TestStoresHandle extends TestMetadataHandle {
  readonly artifacts: ArtifactStore
}
