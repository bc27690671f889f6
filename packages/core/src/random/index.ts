export { createRng, restoreRng, shuffled, permutation, type Rng } from './rng.js'
