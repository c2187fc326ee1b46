import { join } from 'node:path'
import { spawnTs, WORKSPACE_ROOT } from '@kit/test-utils'
import { describe, expect, it } from 'vitest'

const APP = join(WORKSPACE_ROOT, 'packages/core/test/fixtures/loaded-modules-app.ts')

/** Every module file a fresh app loaded, from start to one answered request (see the fixture). */
async function loadedModules(framework: 'express' | 'fastify'): Promise<string[]> {
  const child = spawnTs(APP, [framework])
  const { code } = await child.exited
  if (code !== 0) throw new Error(`the ${framework} app exited ${code}:\n${child.stderr()}`)
  return JSON.parse(child.stdout().trim().split('\n').pop() ?? '[]') as string[]
}

/** The npm package a file belongs to (the last node_modules/ segment), or @kit/<folder> for the workspace's sources. */
function packageOf(file: string): string | undefined {
  const npm = /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)
  if (npm) return npm[1]
  const workspace = /\/packages\/([^/]+)\/(?:src|dist)\//.exec(file)
  return workspace ? `@kit/${workspace[1]}` : undefined
}

// Loaded only when configured: with no optional service none may appear.
const OPTIONAL = [
  'knex',
  'pg',
  'mysql2',
  'prom-client',
  '@opentelemetry/api',
  'nodemailer',
  '@electric-sql/pglite',
  'knex-pglite',
  'ioredis',
  '@sentry/node',
  '@kit/flags',
  '@kit/metrics',
  '@kit/migrate',
  '@kit/sentry',
  '@kit/doctor',
]
const FASTIFY = [
  'fastify',
  'fastify-plugin',
  'avvio',
  'find-my-way',
  'light-my-request',
  '@fastify/rate-limit',
]
const EXPRESS = ['express', 'router', 'body-parser', 'serve-static']

describe('start-up loads only what the app uses (no optional service configured)', () => {
  it.each([
    // fastify-options.ts files are framework-neutral (fastifyOptions() is exported to every app; it requires fastify only when called);
    // @kit/internal's fastify-route-config.ts imports nothing (it reads a request object it is given).
    ['express', FASTIFY, /\/packages\/[^/]+\/src\/fastify(?!-options|-route-config)/],
    ['fastify', EXPRESS, /\/packages\/[^/]+\/src\/express/],
  ] as const)(
    'a %s app loads no module of the other framework, knex, prom-client, nodemailer or PGlite',
    async (framework, otherFramework, otherAdapter) => {
      const files = await loadedModules(framework)
      const packages = new Set(files.map(packageOf).filter((p) => p !== undefined))
      // The list is real: the app's own framework and kit's core are in it.
      expect(packages).toContain(framework)
      expect(packages).toContain('@kit/core')
      expect([...packages].filter((p) => OPTIONAL.includes(p) || otherFramework.includes(p))).toEqual([])
      // Nor kit's adapter files for the other framework (@kit/*/src/fastify*.ts in an Express app).
      expect(files.filter((f) => otherAdapter.test(f))).toEqual([])
    },
  )
})

// kit's own code that a default app never needs at start-up or on a normal
// request: each file is loaded behind import() on first use (the CSP report
// handler and parser on the first report; the port-in-use diagnosis when
// listen() fails), so start-up does not pay to parse it. Matches the sources
// (src/…/report-answer.ts) and esbuild's lazy chunks (dist/chunks/report-answer-HASH.js).
const LAZY_KIT_FILES = [
  /\/packages\/security\/(?:src\/csp\/|dist\/chunks\/)report-answer[.-]/,
  /\/packages\/security\/(?:src\/csp\/|dist\/chunks\/)report-parser[.-]/,
  /\/packages\/core\/(?:src\/productionize\/|dist\/chunks\/)port-holder[.-]/,
]

describe("kit's rarely needed code stays off the start-up path", () => {
  it.each(['express', 'fastify'] as const)(
    'a default %s app (start, one request, shutdown) loads no CSP report handler or port-in-use diagnosis',
    async (framework) => {
      const files = await loadedModules(framework)
      // The list is real: the files these lazy ones are split from are in it.
      expect(files.some((f) => /\/packages\/security\/(?:src|dist)\//.test(f))).toBe(true)
      expect(files.some((f) => /\/packages\/core\/(?:src|dist)\//.test(f))).toBe(true)
      expect(files.filter((f) => LAZY_KIT_FILES.some((lazy) => lazy.test(f)))).toEqual([])
    },
  )
})
