import { createMemoryEventLog } from './memory-event-log.js'
import { describeEventLogConformance } from './test-support/conformance.js'

describeEventLogConformance('memory', () => {
  const log = createMemoryEventLog()
  return Promise.resolve({ log, dispose: () => log.close() })
})
