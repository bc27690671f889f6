import { KeelError } from '../../../errors/index.js'
import type { Task } from '../../protocol.js'
import type { GbdtParams } from '../params.js'
import type { Loss, ResolvedObjective } from './base.js'
import { focalLoss, logLoss } from './logistic.js'
import { absoluteLoss, huberLoss, squaredLoss } from './regression.js'
import { softmaxLoss } from './softmax.js'

export type { Loss, ResolvedObjective } from './base.js'

/** The objective used for a task when the parameter says `auto`. */
export const resolveObjective = (
  objective: GbdtParams['objective'],
  task: Task,
): ResolvedObjective => {
  if (objective !== 'auto') return objective
  switch (task) {
    case 'binary':
      return 'logloss'
    case 'multiclass':
      return 'softmax'
    case 'regression':
      return 'squared'
  }
}

const TASK_OF: Record<ResolvedObjective, Task> = {
  logloss: 'binary',
  focal: 'binary',
  softmax: 'multiclass',
  squared: 'regression',
  absolute: 'regression',
  huber: 'regression',
}

/** The loss for a task, or `INVALID_PARAMS` when the objective does not fit the task. */
export const createLoss = (
  objective: ResolvedObjective,
  task: Task,
  numClasses: number,
  params: Pick<GbdtParams, 'huberDelta' | 'focalGamma'>,
): Loss => {
  if (TASK_OF[objective] !== task) {
    throw new KeelError(
      'INVALID_PARAMS',
      `objective "${objective}" is for ${TASK_OF[objective]} tasks, not ${task}`,
      { path: ['objective'] },
    )
  }
  switch (objective) {
    case 'logloss':
      return logLoss
    case 'focal':
      return focalLoss(params.focalGamma)
    case 'softmax':
      return softmaxLoss(numClasses)
    case 'squared':
      return squaredLoss
    case 'absolute':
      return absoluteLoss
    case 'huber':
      return huberLoss(params.huberDelta)
  }
}
