import { createMemoryEventLog } from './memory-event-log.js'
import { eventLogConformance } from '../conformance/event-log-suite.js'
import { vitestHost } from '../test-support/run-conformance.js'

eventLogConformance(vitestHost, 'memory', () => {
  const log = createMemoryEventLog()
  return Promise.resolve({ log, dispose: () => log.close() })
})
