/**
 * Server for the shutdown benchmark: `shutdown-server.ts <express|fastify> <kit|close-only|none>`.
 * kit: @kit/health drains; close-only: SIGTERM → server.close(() => exit 0), the
 * usual hand-written handler; none: Node's default (the signal kills the process).
 * GET /work answers at once, GET /slow after 3 s. Prints "listening <port>".
 */
import type { Server } from 'node:http'
import express from 'express'
import Fastify from 'fastify'
import { healthRoutes } from '../../packages/health/src/express.ts'
import { kitHealth } from '../../packages/health/src/fastify.ts'
import { createHealth } from '../../packages/health/src/index.ts'

const [framework = 'express', variant = 'kit'] = process.argv.slice(2)
const health = createHealth({ loadShedding: false, systemChecks: false })
const slow = async () => {
  process.stdout.write('slow started\n')
  await new Promise((resolve) => setTimeout(resolve, 3000))
  return { slow: true }
}

let server: Server
if (framework === 'express') {
  const app = express()
  app.use(healthRoutes(health))
  app.get('/work', (_req, res) => {
    res.json({ ok: true })
  })
  app.get('/slow', async (_req, res) => {
    res.json(await slow())
  })
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
} else {
  const app = Fastify()
  await app.register(kitHealth, { health })
  app.get('/work', async () => ({ ok: true }))
  app.get('/slow', slow)
  await app.listen({ port: 0, host: '127.0.0.1' })
  server = app.server
}

if (variant === 'kit') health.attach(server)
else health.close()
if (variant === 'close-only') process.on('SIGTERM', () => server.close(() => process.exit(0)))
const address = server.address()
process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`)
