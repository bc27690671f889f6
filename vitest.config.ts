import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url))

export default defineConfig({
  resolve: {
    alias: {
      '@keel/core': here('./packages/core/src/index.ts'),
      keel: here('./packages/keel/src/index.ts'),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'examples/*/**/*.test.ts', 'test/**/*.test.ts'],
    env: { TZ: 'UTC', LANG: 'C' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
})
