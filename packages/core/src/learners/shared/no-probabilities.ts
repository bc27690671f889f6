import { KeelError } from '../../errors/index.js'

/** The error a regression model gives when asked for class probabilities. */
export const noProbabilities = (): KeelError =>
  new KeelError('INVALID_ARGUMENT', 'a regression model has no class probabilities; use predict()')
