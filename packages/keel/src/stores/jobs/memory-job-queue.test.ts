import { afterAll, beforeAll, describe, it } from 'vitest'
import { jobQueueConformance } from '../conformance/job-queue-suite.js'
import { createMemoryJobQueue } from './memory-job-queue.js'

jobQueueConformance({ describe, it, beforeAll, afterAll }, 'in-process', async (now) => {
  const queue = createMemoryJobQueue({ now })
  return { queue, cleanup: () => queue.close() }
})
