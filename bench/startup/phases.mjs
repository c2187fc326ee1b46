// Start-up in two phases, for deterministic profiling (callgrind, --cpu-prof,
// --log-function-events) without the fork/IPC harness of http/startup/app.mjs:
// imports the framework and kit (or the README-style libraries), then runs
// productionize() (or the hand wiring), then exits. Environment as in
// shared.mjs, @kit/* from dist/ (`pnpm build` first).
//
//   node bench/startup/phases.mjs <kit|readme> <express|fastify> [import|full]
//   valgrind --tool=callgrind node bench/startup/phases.mjs kit express full
//
// Prints { importMs, setupMs, importCpuMs (process CPU from its start), setupCpuMs }.
// `import` stops after the imports, so full − import is the set-up's share
// (callgrind's totals).
// Functions MARK_import and MARK_setup spin 3 ms each so a --cpu-prof shows
// where each phase ends.
import { ENV } from './shared.mjs'

Object.assign(process.env, ENV)
const [variant = 'kit', framework = 'express', stop = 'full'] = process.argv.slice(2)
const spin = () => {
  const end = performance.now() + 3
  while (performance.now() < end);
}
function MARK_import() {
  spin()
}
function MARK_setup() {
  spin()
}

const started = performance.now()
const imports = {
  async kit() {
    const frameworkModule = await import(framework)
    const kit = await import('@kit/core')
    const { pino } = await import('pino')
    return async () => {
      const config = { logger: { destination: pino.destination({ dest: '/dev/null', sync: true }) } }
      const app =
        framework === 'express'
          ? frameworkModule.default()
          : frameworkModule.default(kit.fastifyOptions(config))
      await kit.productionize(app, config)
      if (framework === 'fastify') await app.ready()
    }
  },
  async readme() {
    const { pino } = await import('pino')
    const sink = () => pino.destination({ dest: '/dev/null', sync: true })
    const origin = ENV.ALLOWED_ORIGINS.split(',')
    if (framework === 'express') {
      const { default: express } = await import('express')
      const { default: helmet } = await import('helmet')
      const { default: cors } = await import('cors')
      const { rateLimit } = await import('express-rate-limit')
      const { pinoHttp } = await import('pino-http')
      return async () => {
        const app = express()
        app.set('trust proxy', 'loopback')
        app.use(pinoHttp(pino(sink())))
        app.use(helmet())
        app.use(cors({ origin }))
        app.use(rateLimit({ windowMs: 60_000, limit: 1e9, standardHeaders: 'draft-8', legacyHeaders: false }))
        app.use(express.json({ limit: 1_048_576 }))
      }
    }
    const { default: Fastify } = await import('fastify')
    const { default: helmet } = await import('@fastify/helmet')
    const { default: cors } = await import('@fastify/cors')
    const { default: rateLimit } = await import('@fastify/rate-limit')
    return async () => {
      const app = Fastify({ logger: { level: 'info', stream: sink() }, trustProxy: '127.0.0.1' })
      await app.register(helmet)
      await app.register(cors, { origin })
      await app.register(rateLimit, { max: 1e9, timeWindow: '1 minute' })
      await app.ready()
    }
  },
}
if (!imports[variant] || !['express', 'fastify'].includes(framework)) {
  console.error('usage: node bench/startup/phases.mjs <kit|readme> <express|fastify> [import|full]')
  process.exit(2)
}
const setup = await imports[variant]()
const imported = performance.now()
const importCpu = process.cpuUsage()
MARK_import()
if (stop === 'import') process.exit(0)
const setupStarted = performance.now()
await setup()
const done = performance.now()
const setupCpu = process.cpuUsage(importCpu)
MARK_setup()
const ms = (cpu) => +((cpu.user + cpu.system) / 1000).toFixed(1)
console.log(
  JSON.stringify({
    importMs: +(imported - started).toFixed(1),
    setupMs: +(done - setupStarted).toFixed(1),
    importCpuMs: ms(importCpu),
    setupCpuMs: ms(setupCpu),
  }),
)
process.exit(0)
