/**
 * The prediction and label event log: every served prediction becomes an event (written off the
 * response path), labels that arrive later are events too, and {@link joinLabels} joins them.
 *
 * @module
 */
export {
  matchesScan,
  readEvents,
  DEFAULT_SCAN_LIMIT,
  type EntityKey,
  type LabelValue,
  type PredictionEvent,
  type ServedFeature,
  type ServedFeatures,
  type LabelEvent,
  type KeelEvent,
  type EventKind,
  type EventScan,
  type EventPage,
  type EventLog,
  type RemovalNote,
} from './types.js'
export {
  pruneEvents,
  parseByteSize,
  describePolicy,
  DEFAULT_LABEL_HORIZON_MS,
  type RetentionPolicy,
  type PruneOptions,
  type PruneResult,
} from './retention.js'
export { startEventArchive, ARCHIVE_COLUMNS, type EventArchive } from './archive-parquet.js'
export { createMemoryEventLog, type MemoryEventLog } from './memory-event-log.js'
export {
  openSqliteEventLog,
  sqliteEventLogPath,
  type SqliteEventLogOptions,
} from './sqlite-event-log.js'
export { openNatsEventLog, type NatsEventLog, type NatsEventLogOptions } from './nats-event-log.js'
export { openEventLog, type OpenEventLogOptions } from './open-event-log.js'
export {
  createEventWriter,
  type EventWriter,
  type EventWriterOptions,
  type EventWriterStats,
  type EventLogAlert,
  type OverflowPolicy,
} from './event-writer.js'
export {
  joinLabels,
  entityKeyString,
  type JoinLabelsOptions,
  type JoinedLabel,
  type LabelJoin,
  type LabelLatency,
} from './join-labels.js'
