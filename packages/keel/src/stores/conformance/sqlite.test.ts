// The metadata-backed conformance suites against the embedded default: SQLite in a temp workspace.
import { sqliteBackend } from '../test-support/backends.js'
import { runMetadataConformance } from '../test-support/run-conformance.js'

runMetadataConformance(sqliteBackend)
