/** Online reads of feature values, and how they are laid out in the online store. */
export * from './layout.js'
export * from './read.js'
