import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createRateLimits } from '@kit/rate-limit'
import { spawnTs, WORKSPACE_ROOT } from '@kit/test-utils'
import { afterEach, describe, expect, test } from 'vitest'
import { runInProcess, type TempProject, tempProject } from './cli-helpers.ts'

// The shapes of hand-wired apps kit init meets, planned in-process (the
// end-to-end runs with real servers are in cli-init.test.ts).
let project: TempProject | undefined
afterEach(() => {
  project?.remove()
  project = undefined
})

const pkg = (deps: string[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ name: 'app', dependencies: Object.fromEntries(deps.map((d) => [d, '*'])), ...extra })

async function plan(files: Record<string, string>, args: string[] = []) {
  project = tempProject(files)
  const run = await runInProcess(['init', '--json', ...args], { cwd: project.dir })
  expect(run.stderr).toBe('')
  expect(run.code).toBe(0)
  const result = JSON.parse(run.stdout)
  const file = (path: string) => result.files.find((f: { path: string }) => f.path === path)
  return { ...result, file }
}

describe('kit init plans', () => {
  test('a limiter on one route becomes a tier for that path, and the argument goes', async () => {
    const result = await plan({
      'package.json': pkg(['express', 'express-rate-limit'], { type: 'module' }),
      'app.js': `import express from 'express'
import { rateLimit } from 'express-rate-limit'

const loginLimiter = rateLimit({ windowMs: 60_000, max: 5 })
const app = express()
app.post('/login', loginLimiter, (req, res) => res.send('ok'))
app.listen(3000)
`,
    })
    const config = result.file('kit.config.js').content
    expect(config).toContain('login: {\n        limit: 5,\n        windowMs: 60_000,')
    expect(config).toContain("'/login': 'login'")
    const diff = result.file('app.js').diff
    expect(diff).toContain("+app.post('/login', (req, res) => res.send('ok'))")
    expect(diff).toContain('-const loginLimiter')
    expect(diff).toContain("-import { rateLimit } from 'express-rate-limit'")
    expect(diff).toContain('+await kit.listen()')
    expect(result.notes.join('\n')).toContain('The app listened on 3000')
  })

  test('CommonJS with a pino instance, http.createServer and terminus: all replaced, main() wraps the start', async () => {
    const result = await plan({
      'package.json': pkg(['express', 'pino', 'pino-http', '@godaddy/terminus'], { main: 'index.js' }),
      'index.js': `const http = require('http')
const express = require('express')
const pino = require('pino')
const pinoHttp = require('pino-http')
const { createTerminus } = require('@godaddy/terminus')

const logger = pino({ level: 'debug', redact: ['req.headers.authorization'] })
const app = express()
app.use(pinoHttp({ logger }))
app.get('/', (req, res) => res.send('hi'))
const server = http.createServer(app)
createTerminus(server, { healthChecks: { '/healthz': async () => {} } })
server.listen(process.env.PORT || 3000)
`,
    })
    expect(result.found.map((f: { package: string }) => f.package)).toEqual([
      'pino-http',
      '@godaddy/terminus',
    ])
    expect(result.file('kit.config.js').content).toContain(
      "logger: {\n    level: 'debug',\n    redact: ['req.headers.authorization'],",
    )
    expect(result.file('kit.config.js').content).toContain("const { defineConfig } = require('@kit/core')")
    const diff = result.file('index.js').diff
    for (const gone of [
      "-const pino = require('pino')",
      '-const logger = pino',
      '-app.use(pinoHttp',
      '-createTerminus(server',
    ]) {
      expect(diff).toContain(gone)
    }
    expect(diff).toContain("+const config = require('./kit.config.js')")
    expect(diff).toContain('+async function main() {')
    expect(diff).toContain('+await kit.listen()')
    expect(diff).toContain('+main().catch(')
    expect(result.manual).toEqual([])
  })

  test('http.createServer(app).listen() and a Fastify start() function', async () => {
    const express = await plan({
      'package.json': pkg(['express'], { type: 'module' }),
      'app.js': `import http from 'node:http'
import express from 'express'
const app = express()
http.createServer(app).listen(process.env.PORT)
`,
    })
    expect(express.file('app.js').diff).toContain('+await kit.listen()')
    project?.remove()
    const fastify = await plan({
      'package.json': pkg(['fastify'], { type: 'module' }),
      'app.js': `import Fastify from 'fastify'
const fastify = Fastify()
const start = async () => {
  try {
    await fastify.listen({ port: Number(process.env.PORT) })
  } catch (err) {
    fastify.log.error(err)
    process.exit(1)
  }
}
start()
`,
    })
    const diff = fastify.file('app.js').diff
    expect(diff).toContain('+const fastify = Fastify(fastifyOptions(config))')
    expect(diff).toContain('+    await kit.listen()')
    expect(fastify.manual).toEqual([])
  })

  test("Fastify created with require('fastify')({ logger: true }) gets fastifyOptions()", async () => {
    const result = await plan({
      'package.json': pkg(['fastify']),
      'server.js': `const fastify = require('fastify')({ logger: true, bodyLimit: 1000 })
fastify.get('/', async () => 'hi')
fastify.listen({ port: 3000 }, (err) => {
  if (err) process.exit(1)
})
`,
    })
    const diff = result.file('server.js').diff
    expect(diff).toContain(
      "+const fastify = require('fastify')({ ...fastifyOptions(config), bodyLimit: 1000 })",
    )
    expect(diff).toContain("+const { fastifyOptions, productionize } = require('@kit/core')")
    expect(diff).toContain('+await kit.listen()')
    expect(result.notes.join('\n')).toContain('listen callback was dropped')
  })

  test('options that use variables of the file are left out, named, with the reason', async () => {
    const result = await plan({
      'package.json': pkg(['express', 'cors']),
      'app.js': `const express = require('express')
const cors = require('cors')
const allowed = ['https://a.example']
const app = express()
app.use(cors({ origin: allowed, maxAge: 600 }))
module.exports = app
`,
    })
    const cors = result.found.find((f: { package: string }) => f.package === 'cors')
    expect(cors.carried).toEqual(['maxAge'])
    expect(cors.leftOut).toEqual([
      { key: 'origin', reason: 'uses allowed from your file', line: 'origin: allowed' },
    ])
    // Wrapped in main(), `module.exports = app` would run after an await: whoever requires the file would get {}.
    expect(result.manual[0]).toContain('app.js exports the app and does not start it')
    expect(result.file('app.js')).toEqual({ path: 'app.js', action: 'unchanged' })
  })

  test('express-generator: `node ./bin/www` is the entry, app.js is left for a factory by hand, bin/www stays as it is', async () => {
    const result = await plan({
      'package.json': pkg(['express', 'morgan'], { scripts: { start: 'node ./bin/www' } }),
      'bin/www': `#!/usr/bin/env node
var app = require('../app');
var http = require('http');
var server = http.createServer(app);
server.listen(process.env.PORT || '3000');
`,
      'app.js': `var express = require('express');
var logger = require('morgan');
var app = express();
app.use(logger('dev'));
module.exports = app;
`,
    })
    expect(result.project).toMatchObject({ entry: 'app.js', startedBy: 'bin/www' })
    expect(result.manual.join('\n')).toContain('await it in bin/www')
    expect(result.file('app.js').action).toBe('unchanged')
  })

  test("helmet's own middlewares, a Redis store, trust proxy and dotenv", async () => {
    const result = await plan({
      'package.json': pkg(['express', 'helmet', 'express-rate-limit', 'rate-limit-redis', 'dotenv'], {
        type: 'module',
      }),
      'app.js': `import 'dotenv/config'
import express from 'express'
import helmet from 'helmet'
import { rateLimit } from 'express-rate-limit'
import { RedisStore } from 'rate-limit-redis'

const app = express()
app.set('trust proxy', 1)
app.use(helmet.contentSecurityPolicy({ directives: { defaultSrc: ["'self'"] } }))
app.use(rateLimit({ windowMs: 60000, limit: 50, store: new RedisStore({ sendCommand: () => {} }) }))
app.listen(process.env.PORT)
`,
    })
    const config = result.file('kit.config.js').content
    expect(config).toContain('contentSecurityPolicy: {\n      directives: { defaultSrc: ["\'self\'"] },')
    expect(config).toContain('global: {\n        limit: 50,\n        windowMs: 60000,')
    const limiter = result.found.find((f: { package: string }) => f.package === 'express-rate-limit')
    expect(limiter.leftOut).toEqual([
      {
        key: 'store',
        reason: expect.stringContaining('REDIS_URL'),
        line: 'store: new RedisStore({ sendCommand: () => {} })',
      },
    ])
    const diff = result.file('app.js').diff
    for (const gone of [
      "-app.set('trust proxy', 1)",
      "-import { RedisStore } from 'rate-limit-redis'",
      '-app.use(helmet.',
    ]) {
      expect(diff).toContain(gone)
    }
    expect(diff).toContain(" import 'dotenv/config'")
    const notes = result.notes.join('\n')
    expect(notes).toContain('TRUST_PROXY')
    expect(notes).toContain('dotenv')
  })

  test("express-rate-limit's per-tier options move to the tier as written; a store built from the app's variables is the line to add", async () => {
    const result = await plan({
      'package.json': pkg(['express', 'express-rate-limit', 'rate-limit-redis']),
      'app.js': `const express = require('express')
const rateLimit = require('express-rate-limit')
const { RedisStore } = require('rate-limit-redis')
const client = require('./redis')
const app = express()
app.use(rateLimit({
  windowMs: 15 * 60 * 1000,
  max: 100,
  standardHeaders: 'draft-7',
  legacyHeaders: false,
  message: { error: 'slow down' },
  statusCode: 503,
  skipSuccessfulRequests: true,
  keyGenerator: (req) => req.ip,
  skip: (req) => req.path === '/health',
  handler(req, res) { res.status(429).send('no') },
  validate: { xForwardedForHeader: false },
  store: new RedisStore({ sendCommand: (...args) => client.sendCommand(args) }),
}))
app.listen(process.env.PORT)
`,
      'redis.js': 'module.exports = {}\n',
    })
    const config = result.file('kit.config.js').content
    for (const line of [
      'limit: 100,',
      'windowMs: 15 * 60 * 1000,',
      "standardHeaders: 'draft-7',",
      'legacyHeaders: false,',
      "message: { error: 'slow down' },",
      'statusCode: 503,',
      'skipSuccessfulRequests: true,',
      'keyGenerator: (req) => req.ip,',
      "skip: (req) => req.path === '/health',",
      "handler(req, res) { res.status(429).send('no') },",
    ]) {
      expect(config).toContain(`\n        ${line}\n`)
    }
    expect(config).not.toContain('validate')
    expect(config).not.toContain('RedisStore')
    const limiter = result.found.find((f: { package: string }) => f.package === 'express-rate-limit')
    const store = limiter.leftOut.find((l: { key: string }) => l.key === 'store')
    // `args` is the arrow's own rest parameter: only the file's names are reported.
    expect(store.reason).toMatch(
      /^uses RedisStore, client from your file: add it to rateLimit\.tiers\.global/,
    )
    expect(store.line).toBe('store: new RedisStore({ sendCommand: (...args) => client.sendCommand(args) })')
    const validate = limiter.leftOut.find((l: { key: string }) => l.key === 'validate')
    expect(validate.reason).toContain('kit runs its own start-up checks')
    // The tier init wrote is one kit accepts: the object literal, imported as a module, builds a tier.
    const tierText = /global: (\{[\s\S]*?\n {6}\})/.exec(config)![1]
    const tier = (await import(`data:text/javascript,${encodeURIComponent(`export default ${tierText}`)}`))
      .default
    const limits = createRateLimits({ tiers: { global: tier } }, { env: {} })
    await limits.close()
  })

  test("Fastify: @fastify/rate-limit's per-route config.rateLimit becomes a tier picked with config.kitRateLimit", async () => {
    const result = await plan({
      'package.json': pkg(['fastify', '@fastify/rate-limit'], { type: 'module', main: 'server.js' }),
      'server.js': `import Fastify from 'fastify'
import rateLimit from '@fastify/rate-limit'

const fastify = Fastify()
await fastify.register(rateLimit, { max: 100, timeWindow: '1 minute', allowList: ['127.0.0.1'] })
fastify.post('/login', { config: { rateLimit: { max: 5, timeWindow: '1 minute' } } }, async () => 'ok')
fastify.get('/health', { config: { rateLimit: false } }, async () => 'ok')
fastify.route({ method: 'GET', url: '/search', config: { rateLimit: { max: 10, timeWindow: 30000 } }, handler: async () => 'x' })
await fastify.listen({ port: process.env.PORT, host: '0.0.0.0' })
`,
    })
    const config = result.file('kit.config.js').content
    expect(config).toContain('global: {\n        limit: 100,\n        windowMs: 60000,')
    expect(config).toContain('login: {\n        limit: 5,\n        windowMs: 60000,')
    expect(config).toContain('search: {\n        limit: 10,\n        windowMs: 30000,')
    const diff = result.file('server.js').diff
    expect(diff).toContain("+fastify.post('/login', { config: { kitRateLimit: 'login' } }, async () => 'ok')")
    expect(diff).toContain("+fastify.get('/health', { config: { kitRateLimit: false } }, async () => 'ok')")
    expect(diff).toContain(
      "+fastify.route({ method: 'GET', url: '/search', config: { kitRateLimit: 'search' },",
    )
    const global = result.found.find((f: { call: string }) => f.call.startsWith('fastify.register'))
    expect(global.leftOut).toEqual([{ key: 'allowList', reason: expect.stringContaining('skip(req)') }])
    expect(result.notes.join('\n')).toContain('kit leaves `config.rateLimit` alone')
  })

  test('server.js that imports the app from app.js: the app file is edited (ES modules)', async () => {
    const result = await plan({
      'package.json': pkg(['express', 'helmet'], { type: 'module', scripts: { start: 'node server.js' } }),
      'app.js': `import express from 'express'
import helmet from 'helmet'

const app = express()
app.use(helmet())
app.get('/', (req, res) => res.send('hi'))
export default app
`,
      'server.js': "import app from './app.js'\napp.listen(process.env.PORT ?? 3000)\n",
    })
    expect(result.project).toMatchObject({ entry: 'app.js', startedBy: 'server.js' })
    const diff = result.file('app.js').diff
    expect(diff).toContain('+const kit = await productionize(app, config)')
    expect(diff).toContain('-app.use(helmet())')
    expect(result.file('server.js')).toBeUndefined()
    expect(result.notes.join('\n')).toContain('server.js still starts the app')
  })

  test('the app two imports away (server.js → app/index.js → app/app.js) is found and edited; the env names of both files are kept', async () => {
    const result = await plan({
      'package.json': pkg(['express', 'helmet'], { type: 'module', main: 'server.js' }),
      'server.js': `import { app } from './app/index.js'
const { MONGO_URL } = process.env
app.listen(process.env.PORT)
`,
      'app/index.js': "export { app } from './app.js'\n",
      'app/app.js': `import express from 'express'
import helmet from 'helmet'

export const app = express()
app.use(helmet())
app.get('/', (req, res) => res.send(process.env.GREETING))
`,
    })
    expect(result.project).toMatchObject({ entry: 'app/app.js', startedBy: 'server.js' })
    const diff = result.file('app/app.js').diff
    expect(diff).toContain('-app.use(helmet())')
    expect(diff).toContain("+import config from '../kit.config.js'")
    expect(diff).toContain('+const kit = await productionize(app, config)')
    const config = result.file('kit.config.js').content
    expect(config).toContain('GREETING: z.string().optional()')
    expect(config).toContain('MONGO_URL: z.string().optional()')
  })

  test('a required .json and a plugins file: init reads only code, and lists the plugin kit replaces as a step by hand', async () => {
    const files = {
      'package.json': pkg(['fastify', '@fastify/rate-limit'], { main: 'server.js' }),
      'server.js': `const settings = require('./settings.json')
const { build } = require('./app')
build().then((app) => app.listen({ port: settings.port }))
`,
      'settings.json': '{ "port": 3000 }\n',
      'app.js': `const Fastify = require('fastify')
const plugins = require('./plugins')
async function build() {
  const app = Fastify()
  await plugins(app)
  return app
}
module.exports = { build }
`,
      'plugins/index.js': `module.exports = async (app) => {
  await app.register(require('@fastify/rate-limit'), { max: 10 })
}
`,
    }
    const result = await plan(files)
    expect(result.project).toMatchObject({ entry: 'app.js', startedBy: 'server.js' })
    expect(result.file('app.js').diff).toContain('+  const kit = await productionize(app, config)')
    expect(result.manual.join('\n')).toContain(
      'plugins/index.js uses @fastify/rate-limit: kit replaces it, and init edits only app.js',
    )
  })

  test('an Express 4 app: the upgrade to Express 5 is the first step by hand', async () => {
    const result = await plan({
      'package.json': JSON.stringify({ name: 'app', main: 'app.js', dependencies: { express: '^4.21.0' } }),
      'app.js': `const express = require('express')
const app = express()
app.listen(process.env.PORT)
`,
    })
    expect(result.manual[0]).toContain(
      'kit runs on Express 5; this app has express 4. Upgrade first (`npm install express@5`',
    )
  })

  test("a require() halfway down the file: kit's imports go with the ones above the app", async () => {
    const result = await plan({
      'package.json': pkg(['express', 'pg'], { main: 'app.js' }),
      'app.js': `var express = require('express')
var app = express()
app.get('/', (req, res) => res.send('hi'))

const { Client } = require('pg')
var db = new Client()

var server = app.listen(process.env.PORT, function () {
  console.log(server.address().port)
})
`,
    })
    const diff = result.file('app.js').diff
    expect(diff).toContain(
      " var express = require('express')\n+const { productionize } = require('@kit/core')\n+const config = require('./kit.config.js')\n var app = express()",
    )
    expect(diff).toContain('+var server = await kit.listen()\n')
  })

  test('a knexfile is read as kit release reads it (its production entry), and nothing of it is copied into kit.config', async () => {
    const result = await plan({
      'package.json': pkg(['express', 'knex', 'pg'], { main: 'app.js' }),
      'app.js': `const express = require('express')
const app = express()
app.listen(process.env.PORT)
`,
      'knexfile.js': `module.exports = {
  development: { client: 'pg', connection: 'postgres://localhost/dev' },
  production: {
    client: 'pg',
    connection: process.env.DATABASE_URL,
    pool: { min: 2, max: 10 },
    migrations: { directory: './db/migrations', schemaName: 'app' },
  },
}
`,
    })
    expect(result.file('kit.config.js').content).not.toContain('migrations')
    const notes = result.notes.join('\n')
    expect(notes).toContain(
      'knexfile.js found: kit release and kit migrate read it at every run (its production entry: migrations in ./db/migrations, history table knex_migrations, schema app)',
    )
    expect(notes).toContain('kit does not use pool')
  })

  test("fastify.listen({ port: 8080, host: '0.0.0.0' }) and app.listen(PORT, '0.0.0.0', cb): the host is kept, a fixed port is named", async () => {
    const fastify = await plan({
      'package.json': pkg(['fastify'], { type: 'module', main: 'server.js' }),
      'server.js': `import Fastify from 'fastify'
const fastify = Fastify()
await fastify.listen({ port: 8080, host: '0.0.0.0' })
`,
    })
    expect(fastify.file('server.js').diff).toContain("+await kit.listen({ host: '0.0.0.0' })")
    expect(fastify.notes.join('\n')).toContain('The app listened on 8080')
    project?.remove()
    const express = await plan({
      'package.json': pkg(['express'], { type: 'module', main: 'app.js' }),
      'app.js': `import express from 'express'
const app = express()
const PORT = process.env.PORT || 3000
app.listen(PORT, 'localhost', () => console.log('up'))
`,
    })
    expect(express.file('app.js').diff).toContain("+await kit.listen().then(() => console.log('up'))")
    expect(express.notes.join('\n')).not.toContain('The app listened on')
  })

  test("TypeScript with a path alias: `import app from '@/app'` is followed through tsconfig.json paths (comments and all)", async () => {
    const result = await plan({
      'package.json': pkg(['express', 'helmet'], { type: 'module', scripts: { start: 'tsx src/server.ts' } }),
      'tsconfig.json': `{
  // "@/*" is an alias, not a comment
  "compilerOptions": { "baseUrl": ".", "paths": { "@/*": ["src/*"] }, },
}
`,
      'src/server.ts': `import app from '@/app'
app.listen(Number(process.env.PORT) || 4000)
`,
      'src/app.ts': `import express, { type Express } from 'express'
import helmet from 'helmet'
const app: Express = express()
app.use(helmet())
export default app
`,
    })
    expect(result.project).toMatchObject({ entry: 'src/app.ts', startedBy: 'src/server.ts' })
    expect(result.file('src/app.ts').diff).toContain('-app.use(helmet())')
  })

  test('server.js that requires the app from app.js (CommonJS): the config, and a step by hand', async () => {
    const result = await plan({
      'package.json': pkg(['express', 'cors'], { main: 'server.js' }),
      'app.js': `const express = require('express')
const cors = require('cors')
const app = express()
app.use(cors({ origin: 'https://a.example' }))
module.exports = app
`,
      'server.js': "const app = require('./app')\napp.listen(3000)\n",
    })
    expect(result.file('app.js').action).toBe('unchanged')
    expect(result.file('kit.config.js').content).toContain("origin: 'https://a.example'")
    expect(result.manual[0]).toContain('async factory')
  })

  test('a start script that runs the build: the TypeScript source is what gets edited', async () => {
    const result = await plan({
      'package.json': pkg(['express'], { type: 'module', scripts: { start: 'node dist/server.js' } }),
      'dist/server.js': "import express from 'express'\nconst app = express()\napp.listen(3000)\n",
      'src/server.ts': "import express from 'express'\nconst app = express()\napp.listen(3000)\n",
    })
    expect(result.project).toMatchObject({ entry: join('src', 'server.ts'), typescript: true })
    // Beside the sources: a root kit.config.ts would make tsc emit dist/src/server.js.
    expect(result.file(join('src', 'kit.config.ts')).action).toBe('create')
    expect(result.file('kit.config.ts')).toBeUndefined()
    expect(result.file(join('src', 'server.ts')).diff).toContain("+import config from './kit.config.js'")
  })

  describe('where kit.config goes in a TypeScript app (its tsc build must still pass)', () => {
    const server = "import express from 'express'\nconst app = express()\napp.listen(3000)\n"

    test('rootDir "src" (CommonJS, moduleResolution node): src/kit.config.ts, imported without extension', async () => {
      const result = await plan({
        'package.json': pkg(['express'], { scripts: { build: 'tsc', start: 'node dist/server.js' } }),
        'tsconfig.json':
          '{\n  // comments are allowed\n  "compilerOptions": { "module": "commonjs", "moduleResolution": "node", "rootDir": "./src/", "outDir": "dist" },\n  "include": ["src"],\n}\n',
        'src/server.ts': server,
      })
      expect(result.file(join('src', 'kit.config.ts')).action).toBe('create')
      expect(result.file('package.json')).toBeUndefined()
      expect(result.file(join('src', 'server.ts')).diff).toMatch(/\+import config from '\.\/kit\.config'/)
    })

    test('rootDir "app": app/kit.config.ts, and package.json says where it is', async () => {
      const result = await plan({
        'package.json': `${JSON.stringify({ name: 'app', dependencies: { express: '*' }, scripts: { start: 'tsx app/server.ts' } }, null, 4)}\n`,
        'tsconfig.json': JSON.stringify({ compilerOptions: { rootDir: 'app', outDir: 'dist' } }),
        'app/server.ts': server,
      })
      expect(result.file(join('app', 'kit.config.ts')).action).toBe('create')
      const diff = result.file('package.json').diff as string
      expect(diff).toContain('+    "kit": {')
      expect(diff).toContain('+        "config": "app/kit.config.ts"')
    })

    test('an entry at the root (no rootDir): kit.config.ts at the root, as before', async () => {
      const result = await plan({
        'package.json': pkg(['express'], { type: 'module' }),
        'server.ts': server,
      })
      expect(result.file('kit.config.ts').action).toBe('create')
    })

    test('an existing kit.config.ts at the root of such an app is kept, with the move as a step by hand', async () => {
      const result = await plan({
        'package.json': pkg(['express'], { type: 'module' }),
        'tsconfig.json': JSON.stringify({ compilerOptions: { rootDir: 'src' }, include: ['src'] }),
        'src/server.ts': server,
        'kit.config.ts': 'export default {}\n',
      })
      expect(result.file('kit.config.ts').action).toBe('kept')
      expect(result.manual.join('\n')).toContain(`Move kit.config.ts to ${join('src', 'kit.config.ts')}`)
    })

    test('an existing src/kit.config.ts is found and kept', async () => {
      const result = await plan({
        'package.json': pkg(['express'], { type: 'module' }),
        'src/server.ts': server,
        'src/kit.config.ts': 'export default {}\n',
      })
      expect(result.file(join('src', 'kit.config.ts')).action).toBe('kept')
      expect(result.file(join('src', 'server.ts')).diff).toContain("+import config from './kit.config.js'")
    })
  })

  test('an app made in a function that is not async: a step by hand, the entry file untouched', async () => {
    const result = await plan({
      'package.json': pkg(['express'], { type: 'module' }),
      'app.js': `import express from 'express'
export function createApp() {
  const app = express()
  return app
}
`,
    })
    expect(result.file('app.js').action).toBe('unchanged')
    expect(result.manual[0]).toContain('not async')
  })

  test("the user's kit.config, .env.example and release line are kept, never overwritten", async () => {
    const files = {
      'package.json': pkg(['express'], { type: 'module', scripts: { start: 'node app.js' } }),
      'app.js': "import express from 'express'\nconst app = express()\nawait app.listen(3000)\n",
      'kit.config.js': 'export default { csp: false }\n',
      '.env.example': 'MINE=1\n',
      Procfile: 'web: node app.js\nrelease: ./migrate.sh\n',
    }
    const result = await plan(files, ['--write'])
    expect(result.file('kit.config.js').action).toBe('kept')
    expect(result.file('.env.example').action).toBe('kept')
    expect(result.file('Procfile').action).toBe('unchanged')
    expect(result.notes.join('\n')).toContain('release: ./migrate.sh')
    for (const name of ['kit.config.js', '.env.example', 'Procfile'] as const) {
      expect(readFileSync(join(project!.dir, name), 'utf8')).toBe(files[name])
    }
    // The entry file imports the config that is there.
    expect(readFileSync(join(project!.dir, 'app.js'), 'utf8')).toContain(
      "import config from './kit.config.js'",
    )
  })

  test('an ESM Procfile-less app gets web and release lines; an existing .gitignore keeps its lines', async () => {
    const result = await plan({
      'package.json': pkg(['express'], { type: 'module', scripts: { start: 'node app.js' } }),
      'app.js': "import express from 'express'\nconst app = express()\napp.listen(3000)\n",
      '.gitignore': 'node_modules',
    })
    expect(result.file('Procfile').content).toBe('web: npm start\nrelease: kit release\n')
    expect(result.file('.gitignore').diff).toContain('+.kit/')
    expect(result.file('.gitignore').diff).toContain(' node_modules')
    expect(result.linesChanged).toBe(5)
  })
})

describe('kit start-up', () => {
  test('the parser loads only when kit init runs, not for kit --help', async () => {
    const main = join(WORKSPACE_ROOT, 'packages/core/src/cli/main.ts')
    project = tempProject({
      'package.json': pkg(['express']),
      'app.js': "const express = require('express')\nconst app = express()\napp.listen(3000)\n",
      // @babel/parser is CommonJS: once loaded, it is in require.cache.
      'probe.mts': `import { createRequire } from 'node:module'
import { runCli } from ${JSON.stringify(main)}
const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('@babel/parser'))
const quiet = { stdout: { write: () => true }, stderr: { write: () => true } }
await runCli(['--help'], quiet)
const afterHelp = loaded()
await runCli(['init', '--cwd', process.cwd()], quiet)
console.log(JSON.stringify({ afterHelp, afterInit: loaded() }))
`,
    })
    const probe = spawnTs(join(project.dir, 'probe.mts'), [], { cwd: project.dir })
    const { code } = await probe.exited
    expect(code).toBe(0)
    expect(JSON.parse(probe.stdout())).toEqual({ afterHelp: false, afterInit: true })
  })
})

describe('kit init refuses with a KIT_* error', () => {
  test.each([
    ['no package.json', {}, 'KIT_CLI_INIT_NO_APP'],
    ['no framework', { 'package.json': pkg(['koa']) }, 'KIT_CLI_INIT_NO_APP'],
    ['no entry file', { 'package.json': pkg(['express']) }, 'KIT_CLI_INIT_NO_ENTRY'],
    [
      'a syntax error',
      { 'package.json': pkg(['express']), 'app.js': 'const app = express(\n' },
      'KIT_CLI_INIT_PARSE_FAILED',
    ],
  ])('%s', async (_name, files, code) => {
    project = tempProject(files as Record<string, string>)
    const run = await runInProcess(['init'], { cwd: project.dir })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(code)
    expect(run.stderr).not.toMatch(/TypeError|at .*\.ts:\d+/)
  })
})
