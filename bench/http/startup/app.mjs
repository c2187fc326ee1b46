// One app of the start-up run, in plain JavaScript so no loader adds to the
// time: `node app.mjs <variant>` with PORT set. @kit/* resolve to their built
// dist/. Over IPC it reports { port } once listening, then answers 'stats'
// with its RSS and CPU time and 'modules' with every module it loaded.
import { createRequire } from 'node:module'

const variant = process.argv[2]
const port = Number(process.env.PORT ?? 0)
const ALLOWED = ['https://app.example.com', 'https://admin.example.com']
const LIMIT = 1_000_000_000

async function pinoSink() {
  const { pino } = await import('pino')
  return pino(pino.destination({ dest: '/dev/null', sync: true }))
}

const starts = {
  async 'express bare'() {
    const { default: express } = await import('express')
    const app = express()
    app.get('/hello', (_req, res) => res.send('hello'))
    return listenExpress(app)
  },
  async 'express README-style'() {
    const { default: express } = await import('express')
    const { default: helmet } = await import('helmet')
    const { default: cors } = await import('cors')
    const { rateLimit } = await import('express-rate-limit')
    const { pinoHttp } = await import('pino-http')
    const app = express()
    app.set('trust proxy', 'loopback')
    app.use(pinoHttp(await pinoSink()))
    app.use(helmet())
    app.use(cors({ origin: ALLOWED }))
    app.use(rateLimit({ windowMs: 60_000, limit: LIMIT, standardHeaders: 'draft-8', legacyHeaders: false }))
    app.use(express.json({ limit: 1_048_576 }))
    app.get('/hello', (_req, res) => res.send('hello'))
    return listenExpress(app)
  },
  async 'express kit'() {
    const { default: express } = await import('express')
    const { productionize } = await import('@kit/core')
    const { pino } = await import('pino')
    const app = express()
    const kit = await productionize(app, {
      logger: { destination: pino.destination({ dest: '/dev/null', sync: true }) },
    })
    app.get('/hello', (_req, res) => res.send('hello'))
    const server = await kit.listen({ port, host: '127.0.0.1' })
    return server.address().port
  },
  async 'fastify bare'() {
    const { default: Fastify } = await import('fastify')
    const app = Fastify()
    app.get('/hello', async () => 'hello')
    return listenFastify(app)
  },
  async 'fastify README-style'() {
    const { default: Fastify } = await import('fastify')
    const { default: helmet } = await import('@fastify/helmet')
    const { default: cors } = await import('@fastify/cors')
    const { default: rateLimit } = await import('@fastify/rate-limit')
    const { pino } = await import('pino')
    const app = Fastify({
      logger: { level: 'info', stream: pino.destination({ dest: '/dev/null', sync: true }) },
      trustProxy: '127.0.0.1',
    })
    await app.register(helmet)
    await app.register(cors, { origin: ALLOWED })
    await app.register(rateLimit, { max: LIMIT, timeWindow: '1 minute' })
    app.get('/hello', async () => 'hello')
    return listenFastify(app)
  },
  async 'fastify kit'() {
    const { default: Fastify } = await import('fastify')
    const { fastifyOptions, productionize } = await import('@kit/core')
    const { pino } = await import('pino')
    const config = { logger: { destination: pino.destination({ dest: '/dev/null', sync: true }) } }
    const app = Fastify(fastifyOptions(config))
    const kit = await productionize(app, config)
    app.get('/hello', async () => 'hello')
    const server = await kit.listen({ port, host: '127.0.0.1' })
    return server.address().port
  },
}

function listenExpress(app) {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, '127.0.0.1', () => resolve(server.address().port))
    server.once('error', reject)
  })
}

async function listenFastify(app) {
  await app.listen({ port, host: '127.0.0.1' })
  return app.server.address().port
}

const start = starts[variant]
if (!start || !process.send) {
  console.error(`usage: started by bench/http/startup.ts; variants: ${Object.keys(starts).join(', ')}`)
  process.exit(2)
}
const listening = await start()
process.on('message', async (message) => {
  if (message === 'stats') {
    const cpu = process.cpuUsage()
    process.send({ rss: process.memoryUsage.rss(), cpuMs: (cpu.user + cpu.system) / 1000 })
  } else if (message === 'modules') {
    const { readFileSync } = await import('node:fs')
    const cjs = Object.keys(createRequire(import.meta.url).cache)
    let esm = []
    try {
      esm = readFileSync(process.env.KIT_LOAD_LOG, 'utf8').split('\n').filter(Boolean)
    } catch {}
    process.send({ cjs, esm })
  } else if (message === 'exit') process.exit(0)
})
process.send({ port: listening })
