import { rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../test-support/backends.js'
import { readGitState } from './git-state.js'

describe('readGitState', () => {
  it('reads the commit of the repository a directory is in', async () => {
    const state = await readGitState(fileURLToPath(new URL('.', import.meta.url)))
    // The test may run from an exported tree without .git; then there is nothing to read.
    if (state !== undefined) {
      expect(state.commit).toMatch(/^[0-9a-f]{40,64}$/)
      expect(typeof state.dirty).toBe('boolean')
    }
  })

  it('returns undefined outside a repository', async () => {
    const dir = tempDir()
    try {
      expect(await readGitState(dir)).toBeUndefined()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
