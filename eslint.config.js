import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'bench/out/**', '**/fixtures/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Plain Node scripts (the import-cycle checker) run outside TypeScript.
    files: ['**/*.mjs'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly' },
    },
  },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { project: ['./tsconfig.test.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['packages/core/src/**/*.ts'],
    // src/node/ is the one Node-only corner of core (worker threads), exported as @keel/core/node.
    ignores: ['**/*.test.ts', 'packages/core/src/node/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'Math',
          property: 'random',
          message: 'Use the seeded generator from random/rng.ts.',
        },
      ],
      'no-restricted-imports': [
        'error',
        { patterns: ['node:*', 'fs', 'path', 'child_process', 'worker_threads'] },
      ],
    },
  },
  {
    // Thin edges (STYLE 16–17): a command parses, makes one library call and renders. It reaches
    // stores only for types and the model-reference grammar, and never loads a driver itself.
    files: ['packages/keel/src/cli/**/*.ts'],
    ignores: ['**/*.test.ts', '**/test-support/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'better-sqlite3', message: 'Only stores/ loads a database driver.' },
            { name: 'pg', message: 'Only stores/ loads a database driver.' },
            { name: 'ioredis', message: 'Only stores/ loads a database driver.' },
          ],
          patterns: [
            {
              group: ['@nats-io/*'],
              message: 'Only stores/ loads a messaging driver.',
            },
            {
              group: ['**/stores/**', '!**/stores/index.js'],
              allowTypeImports: true,
              message:
                'cli/ calls the domain folders; it imports types from stores/ and nothing else.',
            },
            {
              // The model-reference grammar (stores/registry/model-ref.ts): parsing, its help text,
              // refAlias, the grammar's own answer to "which alias does this ref follow", and its default.
              group: ['**/stores/index.js'],
              allowImportNames: [
                'parseModelRef',
                'MODEL_REF_SYNTAX',
                'refAlias',
                'DEFAULT_MODEL_ALIAS',
              ],
              allowTypeImports: true,
              message:
                'From stores/, cli/ imports types and the model-reference grammar only; call a domain function instead.',
            },
          ],
        },
      ],
    },
  },
)
