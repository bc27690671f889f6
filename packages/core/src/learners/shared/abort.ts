import { KeelError } from '../../errors/index.js'

/** Stops a fit between iterations once its `AbortSignal` fires, with the `CANCELLED` error code. */
export const throwIfAborted = (signal: AbortSignal | undefined): void => {
  if (signal?.aborted) throw new KeelError('CANCELLED', 'the fit was cancelled')
}
