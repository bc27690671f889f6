import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url))

export default defineConfig({
  resolve: {
    alias: [
      {
        find: /^@keel\/core\/testing$/,
        replacement: here('./packages/core/src/testing/index.ts'),
      },
      { find: /^@keel\/core\/node$/, replacement: here('./packages/core/src/node/index.ts') },
      { find: /^@keel\/core$/, replacement: here('./packages/core/src/index.ts') },
      { find: /^keel$/, replacement: here('./packages/keel/src/index.ts') },
      {
        find: /^keel\/(serving|monitoring|stores|testing)$/,
        replacement: here('./packages/keel/src/$1/index.ts'),
      },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'examples/*/**/*.test.ts', 'test/**/*.test.ts'],
    env: { TZ: 'UTC', LANG: 'C' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
})
