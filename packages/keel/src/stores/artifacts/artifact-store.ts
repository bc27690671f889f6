/**
 * The artifact store interface: immutable blobs addressed by the sha256 of their content. Model
 * bundles, evaluation reports and data snapshots are put once and referenced by digest from the
 * metadata store; identical content is stored once. Every backend (local directory, S3-compatible)
 * implements this interface and passes the same conformance suite.
 */

/** What a put returns and what a metadata row records about an artifact. */
export interface ArtifactRef {
  /** `sha256:<64 hex>` of the content. */
  readonly digest: string
  /** Length in bytes. */
  readonly size: number
}

/** Content to store: bytes, a UTF-8 string, or a stream of chunks (a Node `Readable` is one). */
export type ArtifactInput = Uint8Array | string | AsyncIterable<Uint8Array>

/** Options for {@link ArtifactStore.put}. */
export interface PutArtifactOptions {
  /** Refuse content larger than this (PAYLOAD_TOO_LARGE); nothing is kept. */
  readonly maxBytes?: number
}

/** A content-addressed, write-once blob store. */
export interface ArtifactStore {
  /** Where the artifacts live, for messages. */
  readonly location: string
  /**
   * Store content and return its digest. The artifact is durable and complete when the promise
   * resolves; a crash before that leaves no artifact under the digest (at most a temporary file).
   * Putting content that already exists is cheap to reason about: the digest is the same.
   */
  put(data: ArtifactInput, options?: PutArtifactOptions): Promise<ArtifactRef>
  /**
   * The content, verified against its digest.
   *
   * @throws KeelError NOT_FOUND when absent; ARTIFACT_CORRUPT when the bytes do not hash to the
   *   digest; INVALID_ARGUMENT for a malformed digest.
   */
  get(digest: string): Promise<Uint8Array>
  /**
   * Stream the content in chunks. The digest is checked when the stream ends, and a mismatch throws
   * ARTIFACT_CORRUPT from the iteration, so trust the chunks only once it has finished.
   */
  read(digest: string): AsyncIterable<Uint8Array>
  /** True when an artifact with this digest is stored (the content is not re-hashed). */
  has(digest: string): Promise<boolean>
  /** Digest and size, or `undefined` when absent. */
  stat(digest: string): Promise<ArtifactRef | undefined>
  /** Every stored artifact, sorted by digest. */
  list(): Promise<readonly ArtifactRef[]>
}
