import { defineConfig } from 'vitest/config'

// Workspace packages resolve to their TypeScript sources through the
// `@kit/source` export condition, so tests never need a build first.
// Only that condition is added: Vite adds import/require/node itself, and
// forcing 'import' here breaks CommonJS dependencies that require() an
// export map with an ESM branch (pg → pg-pool).
const conditions = ['@kit/source', 'module', 'node', 'development|production']

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'scripts/test/**/*.test.ts'],
    // Bounds for a hang, not for speed: CI shares two cores with other runs, and
    // at a load average of 20+ PGlite's first start alone took 45 s (30 s failed it).
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Two cores: files run in parallel forks; each file makes its own databases and prefixes.
    pool: 'forks',
    maxWorkers: 3,
    env: { NODE_ENV: 'test' },
  },
})
