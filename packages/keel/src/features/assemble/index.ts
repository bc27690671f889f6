/** A request row with its service's features: the status policy, then on-demand features. */
export * from './assemble-row.js'
