/**
 * The app under test of the reliability runs: `app.ts <express|fastify>`, a
 * productionize() app configured from process.env (REDIS_URL, DATABASE_URL,
 * ...), logging to stderr. Routes: GET /hello, GET /db (select 1 through
 * kit.db), GET /slow (prints `slow started`, answers after 3 s), GET /limited (a 5-a-minute tier).
 * Prints `listening <port>` on stdout.
 */
import type { AddressInfo } from 'node:net'
import { fastifyOptions, type KitConfig, productionize } from '@kit/core'
import express from 'express'
import Fastify from 'fastify'
import { pino } from 'pino'

const framework = process.argv[2] === 'fastify' ? 'fastify' : 'express'
const config: KitConfig = {
  logger: { destination: pino.destination({ fd: 2, sync: true }) },
  rateLimit: { tiers: { probe: { perMinute: 5 } }, routes: { '/limited': 'probe' } },
}
const slow = () => {
  process.stdout.write('slow started\n')
  return new Promise((resolve) => setTimeout(() => resolve('slow'), 3000))
}

let kit: Awaited<ReturnType<typeof productionize>>
if (framework === 'express') {
  const app = express()
  kit = await productionize(app, config)
  app.get('/hello', (_req, res) => {
    res.send('hello')
  })
  app.get('/db', async (_req, res, next) => {
    try {
      await kit.db.raw('select 1')
      res.json({ ok: true })
    } catch (error) {
      next(error)
    }
  })
  app.get('/slow', async (_req, res) => {
    res.send(await slow())
  })
  app.get('/limited', (_req, res) => {
    res.send('limited')
  })
} else {
  const app = Fastify(fastifyOptions(config))
  kit = await productionize(app, config)
  app.get('/hello', async () => 'hello')
  app.get('/db', async () => {
    await kit.db.raw('select 1')
    return { ok: true }
  })
  app.get('/slow', slow)
  app.get('/limited', async () => 'limited')
}
const server = await kit.listen({ port: 0, host: '127.0.0.1' })
process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`)
