// `pnpm test:consumer` (after `pnpm build`): kit as users install it. Every
// public package is packed (scripts/pack-all.mjs), then each consumer below
// is its own scratch project that installs the tarballs with npm (no
// workspace links) and only the framework it uses, imports kit, runs a tiny
// app through productionize() and makes a real request:
//
//   express-esm        Express only, ESM (top-level await); every entry point imports
//   fastify-esm        Fastify only, ESM; every entry point imports (with the OpenFeature peer);
//                      reply.cspNonce and route config typed through @kit/core/fastify (strict tsc)
//   express-cjs        Express only, CommonJS: require('@kit/core'), no top-level await
//   typescript-strict  Express only, TypeScript strict with skipLibCheck: false, built with tsc:
//                      kit's public .d.ts must compile without the optional peers, and
//                      req.id, req.log, res.locals.cspNonce must be typed (not any)
//   express-cjs-init   `kit init --write` on a hand-wired CommonJS Express app (helmet, cors,
//                      express-rate-limit, pino-http from npm), then the app starts and answers
//                      with kit's headers, and a second `kit init` has nothing to change
//   typescript-node10  TypeScript on `module: commonjs, moduleResolution: node` (node10, which
//                      ignores `exports`), strict, skipLibCheck: false: every entry point
//                      type-checks through main/types/typesVersions; built by tsc and run.
//                      The app is on the previous majors of the common peers (ioredis 5,
//                      @sentry/node 10): npm installs kit without ERESOLVE, and kit.redis,
//                      made from the app's ioredis 5, holds the rate limits on real Redis
//   jest-cjs           CommonJS apps tested with Jest 30 as such apps are: an Express 5 app.js
//                      calls productionize(app) without await and exports the app for supertest;
//                      a Fastify 5 app is built in beforeAll and tested with app.inject(). Jest
//                      gets kit's CommonJS build (no import() for its vm to refuse) and must end
//                      by itself under --detectOpenHandles, with no warning
//   typescript-rootdir-init  `kit init --write` on an ESM TypeScript app whose tsconfig has
//                      rootDir "src" and include ["src"]: the config goes to src/, the app's
//                      own `tsc` build still passes with dist/ laid out as before, the built
//                      app answers, and the CLI finds src/kit.config.ts
//
// The installs run at once and each step has a time limit, so the run
// stays bounded (1–3 minutes with a warm npm cache, depending on load).
// Redis (REDIS_URL, default redis://127.0.0.1:6379) must be up, as for `pnpm test`.
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { promisify } from 'node:util'
import { packAll, publicPackages } from './pack-all.mjs'

const exec = promisify(execFile)
const STEP_TIMEOUT_MS = 5 * 60_000
const scratch = mkdtempSync(join(tmpdir(), 'kit-consumer-'))

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

async function run(cmd, args, cwd, env = {}) {
  try {
    const { stdout } = await exec(cmd, args, {
      cwd,
      env: { ...process.env, ...env },
      timeout: STEP_TIMEOUT_MS,
      maxBuffer: 64 * 1024 * 1024,
    })
    return stdout
  } catch (error) {
    const why = error.killed
      ? `killed (${error.signal}) after the ${STEP_TIMEOUT_MS / 60_000} min step limit`
      : 'failed'
    throw new Error(
      `${cmd} ${args.join(' ')} ${why} in ${cwd}:\n${error.stdout ?? ''}\n${error.stderr || error.message}`,
    )
  }
}

const tarballs = packAll(join(scratch, 'tarballs'))
const specs = Object.fromEntries(Object.entries(tarballs).map(([name, path]) => [name, `file:${path}`]))

// Entry points, except those whose optional peer the consumer has not installed. A
// pattern (`./transports/*`) stands for each source file it matches (`./src/transports/*.ts`).
const expand = (dir, key, target) => {
  if (!key.includes('*')) return [key]
  const [before, after] = target.split('*')
  const folder = join(dir, dirname(before))
  return readdirSync(folder)
    .map((file) => `./${relative(dir, join(folder, file))}`)
    .filter((file) => file.startsWith(before) && file.endsWith(after))
    .map((file) => key.replace('*', file.slice(before.length, file.length - after.length)))
}
const entryPoints = publicPackages().flatMap(({ dir, json }) =>
  Object.entries(json.exports)
    .filter(([key]) => key !== './package.json')
    .flatMap(([key, value]) => expand(dir, key, value['@kit/source']))
    .map((key) => (key === '.' ? json.name : `${json.name}/${key.slice(2)}`)),
)
const needsPeer = { '@kit/flags/openfeature': '@openfeature/server-sdk' }
const importable = (installed) => entryPoints.filter((e) => !needsPeer[e] || installed.includes(needsPeer[e]))
const importAll = (installed) =>
  `${importable(installed)
    .map((e, i) => `import * as m${i} from '${e}'`)
    .join('\n')}\nconsole.log('imported ${importable(installed).length} entry points')\n`
const requireAll = (installed) =>
  `${importable(installed)
    .map((e) => `require('${e}')`)
    .join('\n')}\nconsole.log('required ${importable(installed).length} entry points')\n`

// A strict TypeScript project: kit's .d.ts files are checked too (skipLibCheck: false).
const strictTsconfig = (file, options) =>
  JSON.stringify(
    {
      compilerOptions: {
        target: 'ES2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        strict: true,
        skipLibCheck: false,
        noEmitOnError: true,
        types: ['node'],
        ...options,
      },
      include: [file],
    },
    null,
    2,
  )

// Apps run with load shedding off: installs and other tests keep this machine busy, and
// a slow event loop must not turn the one request into a 503.
// One request through productionize(): a 200, the request id echoed, a CSP nonce in the header.
const checkResponse = `
  const res = await fetch('http://127.0.0.1:' + server.address().port + '/hello')
  const body = await res.json()
  const csp = res.headers.get('content-security-policy') ?? ''
  if (res.status !== 200) throw new Error('GET /hello answered ' + res.status)
  if (!body.id || body.id !== res.headers.get('x-request-id')) throw new Error('no request id: ' + JSON.stringify(body))
  if (!body.nonce || !csp.includes("'nonce-" + body.nonce + "'")) throw new Error('no CSP nonce: ' + csp)
  await kit.shutdown()`

// The app's own variables, with the packed z and helpers (the built z loads zod on first use).
const expressApp = `
  const app = express()
  const env = { GREETING: z.string().default('hi'), WORKERS: int({ min: 1 }).default(2) }
  const kit = await productionize(app, { env, health: { signals: false, loadShedding: false } })
  if (kit.env.GREETING !== 'hi' || kit.env.WORKERS !== 2) throw new Error('app variables: ' + JSON.stringify(kit.env))
  if (!(z.string() instanceof z.ZodType)) throw new Error('z.string() is not a z.ZodType')
  app.get('/hello', (req, res) => {
    req.log.info('hello')
    res.json({ id: req.id, nonce: res.locals.cspNonce })
  })
  const server = await kit.listen({ port: 0, host: '127.0.0.1' })
  ${checkResponse}
  // The embedded database is an optional peer: asking for it says what to install.
  try {
    kit.db
    throw new Error('kit.db worked without @electric-sql/pglite installed')
  } catch (error) {
    if (error.code !== 'KIT_CORE_EMBEDDED_DATABASE_MISSING') throw error
  }`

// After `kit init --write`: a second run has nothing to change; the app (`entry`)
// starts, answers GET /hello with kit's request id (and, when `helmetCarried`, the
// CSP options init carried over from helmet), then stops. CommonJS; every wait bounded.
const checkInitApp = (entry, helmetCarried) => `const { execFileSync, spawn } = require('node:child_process')
const plan = JSON.parse(execFileSync('./node_modules/.bin/kit', ['init', '--json'], { encoding: 'utf8' }))
if (plan.changes) throw new Error('a second kit init would still change: ' + JSON.stringify(plan.files))
const probe = require('node:net').createServer().listen(0, '127.0.0.1')
probe.on('listening', () => { const port = probe.address().port; probe.close(() => start(port)) })
function start(port) {
const app = spawn(process.execPath, [${JSON.stringify(entry)}], {
  env: { ...process.env, PORT: String(port), LOAD_SHEDDING_ENABLED: 'false' },
  stdio: ['ignore', 'pipe', 'inherit'],
})
const timer = setTimeout(() => { app.kill('SIGKILL'); console.error('the app did not start'); process.exit(1) }, 60000)
let out = ''
app.stdout.on('data', async (chunk) => {
  out += chunk
  const url = /listening on (http:[^ "]+)/.exec(out)?.[1]
  if (!url || app.checked) return
  app.checked = true
  clearTimeout(timer)
  const res = await fetch(url + '/hello', { signal: AbortSignal.timeout(10000) })
  const body = await res.json()
  const failures = []
  if (res.status !== 200 || body.hello !== 'world') failures.push('GET /hello answered ' + res.status)
  if (!res.headers.get('x-request-id')) failures.push('no x-request-id')
  if (${helmetCarried} && !(res.headers.get('content-security-policy') ?? '').includes("img-src 'self' data:")) failures.push('helmet options not carried')
  app.kill('SIGTERM')
  if (failures.length > 0) { console.error(failures.join('; ')); process.exit(1) }
  console.log('kit init app ok; a second kit init has nothing to change')
})
}
`

// Runs the app's Jest suite as its own `npm test` would, plus --detectOpenHandles,
// and fails on what Jest only prints: a handle kit left open, an import() that
// Jest's vm refused, a run Jest had to be killed out of. Bounded: 3 minutes.
const runJest = `const { spawn } = require('node:child_process')
const jest = spawn(process.execPath, ['node_modules/jest/bin/jest.js', '--ci', '--detectOpenHandles'], {
  stdio: ['ignore', 'pipe', 'pipe'],
})
let out = ''
jest.stdout.on('data', (chunk) => (out += chunk))
jest.stderr.on('data', (chunk) => (out += chunk))
const timer = setTimeout(() => {
  jest.kill('SIGKILL')
  console.error('Jest did not exit within 3 minutes (a handle kit left open?):\\n' + out)
  process.exit(1)
}, 180000)
jest.on('exit', (code) => {
  clearTimeout(timer)
  const bad = [/did not exit/i, /open handle/i, /outside of the scope/i, /ERR_VM_DYNAMIC_IMPORT/, /ERR_REQUIRE_ESM/, /Cannot use import statement/]
    .filter((pattern) => pattern.test(out))
  if (code !== 0 || bad.length > 0) {
    console.error('Jest exited ' + code + (bad.length ? ', printed ' + bad.join(', ') : '') + ':\\n' + out)
    process.exit(1)
  }
  console.log('jest ' + process.version + ': ' + (/Tests:.*/.exec(out)?.[0] ?? '?') + ', exited by itself')
})
`

const consumers = [
  {
    name: 'express-esm',
    type: 'module',
    dependencies: { express: '^5' },
    absent: ['fastify', '@electric-sql/pglite'],
    files: {
      'entry-points.mjs': importAll,
      'app.mjs': () => `import express from 'express'
import { int, productionize, z } from '@kit/core'
${expressApp}
console.log('express ESM app ok')
`,
    },
    steps: [
      ['node', ['entry-points.mjs']],
      ['node', ['app.mjs']],
      ['./node_modules/.bin/kit', ['--help']],
    ],
  },
  {
    name: 'fastify-esm',
    type: 'module',
    dependencies: { fastify: '^5', '@openfeature/server-sdk': '^1' },
    devDependencies: { typescript: '^5.9', '@types/node': '^20.19' },
    remove: ['express'],
    absent: ['express', '@electric-sql/pglite'],
    files: {
      'entry-points.mjs': importAll,
      // Type-checked only (strict, skipLibCheck: false): @kit/core/fastify brings Fastify's augmentations.
      'tsconfig.json': () => strictTsconfig('typed.ts', { noEmit: true }),
      'typed.ts': () => `import Fastify from 'fastify'
import { productionize } from '@kit/core'
import { fastifyOptions } from '@kit/core/fastify'

const app = Fastify(fastifyOptions())
await productionize(app)
app.get('/typed', { config: { kitRateLimit: 'auth', csrf: false } }, async (request, reply) => {
  const nonce: string = reply.cspNonce
  // @ts-expect-error reply.cspNonce is a string (not any)
  const wrong: number = reply.cspNonce
  return { id: request.id, nonce, wrong }
})
`,
      'app.mjs': () => `import Fastify from 'fastify'
import { fastifyOptions, productionize } from '@kit/core'
const config = { health: { signals: false, loadShedding: false } }
const app = Fastify(fastifyOptions(config))
const kit = await productionize(app, config)
app.get('/hello', async (request, reply) => {
  request.log.info('hello')
  return { id: request.id, nonce: reply.cspNonce }
})
const server = await kit.listen({ port: 0, host: '127.0.0.1' })
${checkResponse}
console.log('fastify ESM app ok')
`,
    },
    steps: [
      ['node', ['entry-points.mjs']],
      ['node', ['app.mjs']],
      ['./node_modules/.bin/tsc', ['-p', '.']],
    ],
  },
  {
    name: 'express-cjs',
    type: 'commonjs',
    dependencies: { express: '^5' },
    absent: ['fastify'],
    files: {
      'entry-points.js': requireAll,
      'app.js': () => `const express = require('express')
const { int, productionize, z } = require('@kit/core')

async function main() {
${expressApp}
}

main().then(
  () => console.log('express CommonJS app ok'),
  (error) => {
    console.error(error)
    process.exit(1)
  },
)
`,
    },
    steps: [
      ['node', ['entry-points.js']],
      ['node', ['app.js']],
    ],
  },
  {
    name: 'jest-cjs',
    type: 'commonjs',
    dependencies: { express: '^5', fastify: '^5' },
    devDependencies: { jest: '^30', supertest: '^7' },
    // light-my-request >= 6.8 (Fastify's inject()) requires cookie 2, an ES module, which
    // Jest's require() refuses before Node 24.9, with or without kit: apps on Node 20 that
    // test with inject() have an older one in their lockfile, as this one pins.
    overrides: { 'light-my-request': '6.6.0' },
    absent: ['@electric-sql/pglite'],
    files: {
      'express-app.js': () => `const express = require('express')
const { productionize } = require('@kit/core')

const app = express()
// Not awaited: a CommonJS module cannot, and kit's gate is on the router already.
productionize(app, { health: { signals: false, loadShedding: false } })
app.get('/hello', (req, res) => res.json({ id: req.id, nonce: res.locals.cspNonce }))
module.exports = app
`,
      '__tests__/express.test.js': () => `const request = require('supertest')
const app = require('../express-app')

test('kit answers in front of the app', async () => {
  const res = await request(app).get('/hello').expect(200)
  expect(res.body.id).toBe(res.headers['x-request-id'])
  expect(res.headers['content-security-policy']).toContain("'nonce-" + res.body.nonce + "'")
  expect(res.headers['x-content-type-options']).toBe('nosniff')
})

test("kit's 404 names the route and the request id", async () => {
  const res = await request(app).get('/nope').set('Accept', 'application/json').expect(404)
  expect(JSON.stringify(res.body)).toContain('No route for GET /nope')
  expect(JSON.stringify(res.body)).toContain(res.headers['x-request-id'])
})

test("kit's health route", async () => {
  await request(app).get('/health/live').expect(200)
})
`,
      'fastify-app.js': () => `const Fastify = require('fastify')
const { fastifyOptions, productionize } = require('@kit/core')

async function build() {
  const config = { health: { signals: false, loadShedding: false } }
  const app = Fastify(fastifyOptions(config))
  const kit = await productionize(app, config)
  app.get('/hello', async (request, reply) => ({ id: request.id, nonce: reply.cspNonce }))
  return { app, kit }
}
module.exports = { build }
`,
      '__tests__/fastify.test.js': () => `const { build } = require('../fastify-app')

let app
let kit
beforeAll(async () => ({ app, kit } = await build()))
afterAll(() => kit.shutdown())

test('kit answers in front of the app', async () => {
  const res = await app.inject({ method: 'GET', url: '/hello' })
  expect(res.statusCode).toBe(200)
  expect(res.json().id).toBe(res.headers['x-request-id'])
  expect(res.headers['content-security-policy']).toContain("'nonce-" + res.json().nonce + "'")
})

test("kit's 404 and health route", async () => {
  const missing = await app.inject({ method: 'GET', url: '/nope', headers: { accept: 'application/json' } })
  expect(missing.statusCode).toBe(404)
  expect(missing.body).toContain('No route for GET /nope')
  expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200)
})
`,
      'run-jest.js': () => runJest,
    },
    // With KIT_NODE24_BIN (the folder of a Node 24 binary, as .ci/run installs), on Node 24 too.
    steps: [
      ['node', ['run-jest.js']],
      ...(process.env.KIT_NODE24_BIN ? [[join(process.env.KIT_NODE24_BIN, 'node'), ['run-jest.js']]] : []),
    ],
  },
  {
    name: 'typescript-strict',
    type: 'module',
    dependencies: { express: '^5' },
    devDependencies: { typescript: '^5.9', '@types/express': '^5', '@types/node': '^20.19' },
    absent: ['fastify', '@sentry/node', '@electric-sql/pglite'],
    files: {
      'tsconfig.json': () => strictTsconfig('app.ts', { outDir: 'dist' }),
      'app.ts': () => `import express, { type Request, type Response } from 'express'
import { type Kit, productionize, z } from '@kit/core'

// z stays zod's namespace in kit's declarations (z.infer), and a working zod at run time.
const Greeting = z.object({ text: z.string() })
type Greeting = z.infer<typeof Greeting>
const greeting: Greeting = Greeting.parse({ text: 'hi' })
if (greeting.text !== 'hi') throw new Error('z.object().parse() gave ' + JSON.stringify(greeting))

const app = express()
const kit: Kit = await productionize(app, { health: { signals: false, loadShedding: false } })
app.get('/hello', (req: Request, res: Response) => {
  const id: string = req.id
  const nonce: string = res.locals.cspNonce
  req.log.info({ id }, 'hello')
  res.json({ id, nonce })
})

// Never called: tsc proves these are typed, not any (each line must be an error).
export function notAny(req: Request, res: Response): void {
  // @ts-expect-error req.id is a string
  const wrongId: number = req.id
  // @ts-expect-error res.locals.cspNonce is a string
  const wrongNonce: number = res.locals.cspNonce
  // @ts-expect-error req.log is a pino logger
  req.log.notALevel('hello')
  void [wrongId, wrongNonce]
}
const server = await kit.listen({ port: 0, host: '127.0.0.1' })
const address = server.address()
if (address === null || typeof address === 'string') throw new Error('not listening on a port')
const res = await fetch('http://127.0.0.1:' + address.port + '/hello')
const body = (await res.json()) as { id?: string; nonce?: string }
const csp = res.headers.get('content-security-policy') ?? ''
if (res.status !== 200) throw new Error('GET /hello answered ' + res.status)
if (!body.id || body.id !== res.headers.get('x-request-id')) throw new Error('no request id')
if (!body.nonce || !csp.includes("'nonce-" + body.nonce + "'")) throw new Error('no CSP nonce')
await kit.shutdown()
console.log('strict TypeScript app ok')
`,
    },
    steps: [
      ['./node_modules/.bin/tsc', ['-p', '.']],
      ['node', ['dist/app.js']],
    ],
  },
  {
    name: 'express-cjs-init',
    type: 'commonjs',
    dependencies: { express: '^5', helmet: '^8', cors: '^2', 'express-rate-limit': '^8', 'pino-http': '^11' },
    absent: ['fastify'],
    files: {
      'server.js': () =>
        readFileSync(
          new URL('../packages/core/test/fixtures/init-express-cjs/src/server.js', import.meta.url),
          'utf8',
        ),
      // Starts the app kit init edited, one request, then stops it: every wait bounded.
      'check.js': () => checkInitApp('server.js', true),
    },
    steps: [
      ['./node_modules/.bin/kit', ['init', '--write']],
      ['node', ['check.js']],
    ],
  },
  {
    name: 'typescript-node10',
    type: 'commonjs',
    // The previous majors of the peers apps most often have: npm must install kit next to them.
    dependencies: {
      express: '^5',
      fastify: '^5',
      '@openfeature/server-sdk': '^1',
      ioredis: '^5',
      '@sentry/node': '^10',
    },
    devDependencies: { typescript: '^5.9', '@types/express': '^5', '@types/node': '^20.19' },
    absent: ['@electric-sql/pglite'],
    files: {
      'tsconfig.json': () =>
        JSON.stringify({
          compilerOptions: {
            target: 'ES2022',
            module: 'commonjs',
            moduleResolution: 'node',
            esModuleInterop: true,
            strict: true,
            skipLibCheck: false,
            noEmitOnError: true,
            rootDir: 'src',
            outDir: 'dist',
            types: ['node'],
          },
          include: ['src'],
        }),
      // Every entry point, type-checked by node10 resolution and require()d from the built file.
      'src/entry-points.ts': (installed) => {
        const entries = importable(installed)
        return `${entries.map((e, i) => `import * as m${i} from '${e}'`).join('\n')}
const modules = [${entries.map((_, i) => `m${i}`).join(', ')}]
console.log('type-checked and required ' + modules.length + ' entry points (node10)')
`
      },
      'src/app.ts': () => `import express, { type Request, type Response } from 'express'
import { productionize } from '@kit/core'

async function main(): Promise<void> {
  const ioredis: string = require('ioredis/package.json').version
  if (!ioredis.startsWith('5.')) throw new Error('the app has ioredis ' + ioredis + ', not 5')
  const app = express()
  const kit = await productionize(app, {
    health: { signals: false, loadShedding: false },
    rateLimit: { prefix: 'kit-consumer:' + process.pid + ':' },
  })
  app.get('/hello', (req: Request, res: Response) => {
    const id: string = req.id
    res.json({ id, nonce: res.locals.cspNonce })
  })
  const server = await kit.listen({ port: 0, host: '127.0.0.1' })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('not listening on a port')
  const statuses: number[] = []
  for (let i = 0; i < 3; i++) statuses.push((await fetch('http://127.0.0.1:' + address.port + '/hello')).status)
  // RATE_LIMIT_PER_MINUTE=2 on kit.redis, made from the app's ioredis 5.
  if (statuses.join() !== '200,200,429') throw new Error('statuses ' + statuses.join() + ', expected 200,200,429')
  const ready = await fetch('http://127.0.0.1:' + address.port + '/health/ready')
  if (ready.status !== 200 || !(await ready.text()).includes('redis')) throw new Error('readiness without Redis')
  await kit.shutdown()
  console.log('CommonJS TypeScript app ok: rate limits on Redis through ioredis ' + ioredis)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
`,
    },
    steps: [
      ['./node_modules/.bin/tsc', ['-p', '.']],
      ['node', ['dist/entry-points.js']],
      ['node', ['dist/app.js'], { REDIS_URL, RATE_LIMIT_PER_MINUTE: '2' }],
    ],
  },
  {
    name: 'typescript-rootdir-init',
    type: 'module',
    dependencies: { express: '^5' },
    devDependencies: { typescript: '^5.9', '@types/express': '^5', '@types/node': '^20.19' },
    scripts: { build: 'tsc -p .', start: 'node dist/server.js' },
    absent: ['fastify'],
    files: {
      'tsconfig.json': () =>
        JSON.stringify({
          compilerOptions: {
            target: 'ES2022',
            module: 'nodenext',
            moduleResolution: 'nodenext',
            strict: true,
            skipLibCheck: false,
            noEmitOnError: true,
            rootDir: 'src',
            outDir: 'dist',
            types: ['node'],
          },
          include: ['src'],
        }),
      'src/server.ts': () => `import express from 'express'

const app = express()
app.get('/hello', (_req, res) => {
  res.json({ hello: 'world' })
})
const port = Number(process.env.PORT ?? 3000)
app.listen(port, () => console.log('listening on http://127.0.0.1:' + port))
`,
      'check.cjs': () => `${checkInitApp('dist/server.js', false)}
const { existsSync } = require('node:fs')
if (!existsSync('src/kit.config.ts') || existsSync('kit.config.ts')) throw new Error('kit init did not put the config in src/')
if (!existsSync('dist/server.js')) throw new Error('tsc no longer emits dist/server.js (dist/ moved?)')
const env = JSON.parse(execFileSync('./node_modules/.bin/kit', ['env', 'check', '--json'], { encoding: 'utf8' }))
if (!String(env.config).endsWith('src/kit.config.ts')) throw new Error('kit env check found ' + env.config)
`,
    },
    steps: [
      ['./node_modules/.bin/kit', ['init', '--write']],
      ['./node_modules/.bin/tsc', ['-p', '.']],
      ['node', ['check.cjs']],
    ],
  },
]

async function runConsumer(consumer) {
  const dir = join(scratch, consumer.name)
  mkdirSync(dir)
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      {
        name: `kit-consumer-${consumer.name}`,
        private: true,
        type: consumer.type,
        ...(consumer.scripts ? { scripts: consumer.scripts } : {}),
        dependencies: { ...specs, ...consumer.dependencies },
        devDependencies: consumer.devDependencies ?? {},
        // kit's packages depend on each other by version: take those from the tarballs too.
        overrides: { ...specs, ...consumer.overrides },
      },
      null,
      2,
    ),
  )
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], dir)
  // A dependency that declares express as a required peer would make npm install
  // express into a Fastify app too (express-rate-limit did, until @kit/rate-limit
  // stopped depending on it): remove it if present, so the Fastify consumer
  // proves kit never loads it.
  for (const name of consumer.remove ?? [])
    rmSync(join(dir, 'node_modules', name), { recursive: true, force: true })
  for (const name of consumer.absent) {
    // The point of the consumer: the other framework (and the optional peers) are really not there.
    if (existsSync(join(dir, 'node_modules', name)))
      throw new Error(`${consumer.name}: ${name} got installed`)
  }
  const installed = Object.keys(consumer.dependencies)
  for (const [file, content] of Object.entries(consumer.files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true })
    writeFileSync(join(dir, file), content(installed))
  }
  const output = []
  for (const [cmd, args, env] of consumer.steps) {
    const stdout = await run(cmd, args, dir, env)
    // Apps log JSON lines; keep the lines the scripts print themselves (of `kit --help`, the first).
    const lines = stdout.split('\n').filter((line) => line && !line.startsWith('{'))
    output.push(...(cmd.endsWith('/kit') ? lines.slice(0, 1) : lines))
  }
  return `${consumer.name}: ${output.map((l) => l.trim()).join('; ')}`
}

try {
  // `node scripts/consumer-test.mjs express-cjs-init` runs only the consumers named.
  const only = process.argv.slice(2)
  const selected = only.length > 0 ? consumers.filter((c) => only.includes(c.name)) : consumers
  const results = await Promise.allSettled(selected.map(runConsumer))
  let failed = 0
  for (const [i, result] of results.entries()) {
    if (result.status === 'fulfilled') console.log(`ok   ${result.value}`)
    else {
      failed++
      console.error(`FAIL ${selected[i].name}: ${result.reason.message}`)
    }
  }
  if (failed > 0) {
    console.error(`consumer test failed: ${failed} of ${selected.length} consumers`)
    process.exitCode = 1
  } else {
    console.log(
      `consumer test passed: ${selected.length} consumers, ${Object.keys(tarballs).length} packages`,
    )
  }
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
