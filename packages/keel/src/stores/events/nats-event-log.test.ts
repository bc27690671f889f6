import { eventLogConformance } from '../conformance/event-log-suite.js'
import { vitestHost } from '../test-support/run-conformance.js'
import { openTestNatsLog } from './test-support/nats.js'

// Runs against the real JetStream server on KEEL_TEST_NATS_URL (default nats://127.0.0.1:4222).
eventLogConformance(vitestHost, 'nats', () => openTestNatsLog(), 12)
