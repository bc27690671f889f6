/**
 * The git state of a working tree, for recording with a run: which commit, and whether there were
 * uncommitted changes (a dirty run cannot be reproduced from the commit alone).
 */
import { execFile } from 'node:child_process'
import type { GitState } from './types.js'

const git = (dir: string, args: readonly string[]): Promise<string | undefined> =>
  new Promise((resolve) => {
    execFile('git', ['-C', dir, ...args], { timeout: 5000, maxBuffer: 16 << 20 }, (error, stdout) =>
      resolve(error ? undefined : stdout),
    )
  })

/**
 * The commit and dirty flag of the repository containing `dir`, or `undefined` when `dir` is not in
 * a git repository or git is not installed.
 */
export const readGitState = async (dir: string): Promise<GitState | undefined> => {
  const head = (await git(dir, ['rev-parse', 'HEAD']))?.trim()
  if (!head || !/^[0-9a-f]{7,64}$/.test(head)) return undefined
  const status = await git(dir, ['status', '--porcelain', '--untracked-files=no'])
  return { commit: head, dirty: status === undefined ? true : status.trim() !== '' }
}
