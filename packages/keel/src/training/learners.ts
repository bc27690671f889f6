import { KeelError, createLearner, registerHeuristic, type Learner } from '@keel/core'
// Worker-thread training for learners with a `threads` parameter (the GBDT).
import '@keel/core/node'
import { didYouMean, type ProjectConfig } from '../project/index.js'

/**
 * One baseline or candidate to fit, as plain data (a job can carry it as JSON): the learner is
 * rebuilt from `kind` and `params`.
 */
export interface CandidateSpec {
  readonly name: string
  readonly kind: string
  readonly role: 'baseline' | 'candidate'
  readonly params: Readonly<Record<string, unknown>>
  /** Feature columns to use (default: all the entry sees). */
  readonly features: readonly string[] | undefined
}

/** One learner to fit, as resolved from the config. */
export interface LearnerEntry extends CandidateSpec {
  readonly learner: Learner
}

/**
 * The plain-data spec of an entry (its learner left out), with the learner's effective
 * hyperparameters: the config's values and every default its schema filled in, so the run records
 * (and a job rebuilds) exactly what was fitted.
 */
export const candidateSpec = (e: LearnerEntry): CandidateSpec => ({
  name: e.name,
  kind: e.kind,
  role: e.role,
  params: e.learner.params as Readonly<Record<string, unknown>>,
  features: e.features,
})

/**
 * Build every baseline and candidate from the config, validating all hyperparameters before
 * anything is fitted or written. Heuristic baselines (`{ name, predict }`) are registered under
 * `<project>/<name>` so their saved models can find the function again.
 */
export const resolveLearners = (config: ProjectConfig): LearnerEntry[] => {
  const entries: LearnerEntry[] = []
  const names = new Set<string>()
  const add = (e: Omit<LearnerEntry, 'learner'>, path: (string | number)[]): void => {
    if (names.has(e.name))
      throw new KeelError('INVALID_CONFIG', `two learners are named "${e.name}"`, { path })
    names.add(e.name)
    try {
      entries.push({ ...e, learner: createLearner(e.kind, e.params) })
    } catch (err) {
      if (err instanceof KeelError) {
        const where = `${path[0]}[${path[1]}] (${e.name})`
        const known = (err.details as { known?: string[] } | undefined)?.known
        const meant = known ? didYouMean(e.kind, known) : undefined
        const message =
          err.issues.length > 0
            ? err.issues.map((i) => `${where}.params.${i.path.join('.')}: ${i.message}`).join('; ')
            : `${where}${known ? '.kind' : ''}: ${err.message}${meant ? ` (did you mean "${meant}"?)` : ''}`
        throw new KeelError(err.code === 'INVALID_PARAMS' ? 'INVALID_CONFIG' : err.code, message, {
          path,
          issues: err.issues.map((i) => ({ ...i, path: [...path, 'params', ...i.path] })),
          details: err.details,
        })
      }
      throw err
    }
  }
  config.baselines.forEach((b, i) => {
    if ('predict' in b) {
      const registered = `${config.name}/${b.name}`
      registerHeuristic(registered, b.predict as Parameters<typeof registerHeuristic>[1])
      add(
        {
          name: b.name,
          kind: 'heuristic',
          role: 'baseline',
          params: { name: registered },
          features: undefined,
        },
        ['baselines', i],
      )
    } else {
      add(
        {
          name: b.name,
          kind: b.kind,
          role: 'baseline',
          params: b.params ?? {},
          features: b.features,
        },
        ['baselines', i],
      )
    }
  })
  config.candidates.forEach((c, i) =>
    add(
      {
        name: c.name,
        kind: c.kind,
        role: 'candidate',
        params: c.params ?? {},
        features: c.features,
      },
      ['candidates', i],
    ),
  )
  if (!entries.some((e) => e.role === 'candidate')) {
    throw new KeelError('INVALID_CONFIG', 'the config lists no candidates to train', {
      path: ['candidates'],
    })
  }
  return entries
}
