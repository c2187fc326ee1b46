import { isKitError } from '@kit/internal'
import { listenExpress, listenFastify, MemoryStream } from '@kit/test-utils'
import express from 'express'
import Fastify from 'fastify'
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { requestLogger } from '../src/express.ts'
import { fastifyLoggerOptions, kitLoggerPlugin } from '../src/fastify.ts'
import { createLogger, fetchWithRequestId, requestIdHeaders } from '../src/index.ts'

const env = { NODE_ENV: 'production' }
const kitLog = () => {
  const out = new MemoryStream()
  return { out, log: createLogger({ destination: out }, { env }) }
}

function thrown(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  throw new Error('expected a throw')
}

describe('requestLogger (Express) misuse', () => {
  it('answers with KIT_LOGGER_NOT_CALLED when written app.use(requestLogger)', async () => {
    const app = express()
    app.use(requestLogger as never)
    app.get('/', (_req, res) => {
      res.send('never')
    })
    let caught: unknown
    app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      caught = error
      res.status(500).end()
    })
    const server = await listenExpress(app)
    try {
      expect((await fetch(server.url, { signal: AbortSignal.timeout(5000) })).status).toBe(500)
      expect(isKitError(caught, 'KIT_LOGGER_NOT_CALLED')).toBe(true)
      expect((caught as Error).message).toContain('app.use(requestLogger(log))')
    } finally {
      await server.close()
    }
  })

  it('refuses something that is not a logger', () => {
    expect(
      isKitError(
        thrown(() => requestLogger({} as never)),
        'KIT_LOGGER_INVALID_OPTION',
      ),
    ).toBe(true)
  })

  it.each([
    ['skip', { skip: '/health' }],
    ['requestIdHeader', { requestIdHeader: 'x request id' }],
    ['requestIdHeader', { requestIdHeader: '' }],
    ['trustRequestId', { trustRequestId: 'yes' }],
  ])('refuses a bad %s option, naming it', (name, options) => {
    const error = thrown(() => requestLogger(kitLog().log, options as never))
    expect(isKitError(error, 'KIT_LOGGER_INVALID_OPTION')).toBe(true)
    expect((error as Error).message).toContain(`\`${name}\``)
  })

  it('warns once when given a logger not made by createLogger()', () => {
    const out = new MemoryStream()
    const foreign = pino(out)
    requestLogger(foreign)
    requestLogger(foreign)
    const warnings = out.lines().filter((l) => l.level === 40)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]?.msg).toContain('not made by createLogger()')
  })
})

describe('kitLoggerPlugin (Fastify) misuse', () => {
  it('refuses to register without a logger on an app created without kit options', async () => {
    const app = Fastify()
    await expect(app.register(kitLoggerPlugin).ready()).rejects.toSatisfy((e) =>
      isKitError(e, 'KIT_LOGGER_NO_LOGGER'),
    )
    await app.close()
  })

  it('refuses a bad option', async () => {
    const app = Fastify()
    await expect(
      app.register(kitLoggerPlugin, { log: kitLog().log, trustRequestId: 'no' as never }).ready(),
    ).rejects.toSatisfy((e) => isKitError(e, 'KIT_LOGGER_INVALID_OPTION'))
    await app.close()
  })

  it('creates the app with no Fastify deprecation warning', async () => {
    const warnings: string[] = []
    const onWarning = (w: Error & { code?: string }) => warnings.push(w.code ?? w.message)
    process.on('warning', onWarning)
    try {
      const app = Fastify({ ...fastifyLoggerOptions(kitLog().log) })
      await app.register(kitLoggerPlugin)
      app.get('/', async () => 'ok')
      const server = await listenFastify(app)
      await fetch(server.url, { signal: AbortSignal.timeout(5000) })
      await server.close()
      await new Promise((r) => setImmediate(r))
      expect(warnings.filter((w) => w.startsWith('FSTDEP'))).toEqual([])
    } finally {
      process.off('warning', onWarning)
    }
  })

  it('keeps Fastify from writing its own request lines (one line per request)', async () => {
    const { out, log } = kitLog()
    const app = Fastify({ ...fastifyLoggerOptions(log) })
    await app.register(kitLoggerPlugin)
    app.get('/', async () => 'ok')
    const server = await listenFastify(app)
    try {
      await fetch(server.url, { headers: { 'x-request-id': 'only-one' }, signal: AbortSignal.timeout(5000) })
      // The line is written when the response finishes: wait for it, then check there is only one.
      await expect
        .poll(() => out.lines().filter((l) => l.reqId === 'only-one').length, { timeout: 10_000 })
        .toBeGreaterThan(0)
      await new Promise((r) => setTimeout(r, 50))
      expect(
        out
          .lines()
          .filter((l) => l.reqId === 'only-one')
          .map((l) => l.msg),
      ).toEqual(['request completed'])
    } finally {
      await server.close()
    }
  })
})

describe('outgoing calls', () => {
  it('adds nothing outside a request', async () => {
    expect(requestIdHeaders()).toEqual({})
    const app = express()
    app.get('/', (req, res) => {
      res.json({ id: req.headers['x-request-id'] ?? null })
    })
    const server = await listenExpress(app)
    try {
      const res = await fetchWithRequestId(server.url, { signal: AbortSignal.timeout(5000) })
      expect(await res.json()).toEqual({ id: null })
    } finally {
      await server.close()
    }
  })

  it('keeps an x-request-id the caller set, and gives other clients the header', async () => {
    const echo = express()
    echo.get('/', (req, res) => {
      res.json({ id: req.headers['x-request-id'] })
    })
    const echoServer = await listenExpress(echo)
    const app = express()
    app.use(requestLogger(kitLog().log))
    app.get('/', async (_req, res) => {
      const own = await fetchWithRequestId(
        new Request(echoServer.url, { headers: { 'x-request-id': 'mine' } }),
      )
      res.json({ own: await own.json(), headers: requestIdHeaders() })
    })
    const server = await listenExpress(app)
    try {
      const res = await fetch(server.url, {
        headers: { 'x-request-id': 'outer' },
        signal: AbortSignal.timeout(5000),
      })
      expect(await res.json()).toEqual({ own: { id: 'mine' }, headers: { 'x-request-id': 'outer' } })
    } finally {
      await server.close()
      await echoServer.close()
    }
  })
})
