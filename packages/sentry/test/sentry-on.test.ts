import {
  captureRequestError,
  checkInitOrder,
  flushSentry,
  initSentry,
  isSentryInitialised,
  sentryShutdownHook,
} from '@kit/sentry'
import { sentryErrorHandler } from '@kit/sentry/express'
import { sentryFastify } from '@kit/sentry/fastify'
import { listenExpress, listenFastify, MemoryStream } from '@kit/test-utils'
import express from 'express'
import Fastify from 'fastify'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EnvelopeServer, startEnvelopeServer } from './helpers/envelope-server.ts'

// Sentry on, in this test process (no preload: Express and Fastify were
// imported above, which checkInitOrder notices). Capture does not depend on
// the SDK's instrumentation, so kit's adapters work here too.
let sentry: EnvelopeServer

beforeAll(async () => {
  process.env.no_proxy = '127.0.0.1'
  sentry = await startEnvelopeServer()
  initSentry({ dsn: sentry.dsn, environment: 'test-on', release: 'r-1' }, { env: {} })
})

afterAll(async () => {
  await sentryShutdownHook().close()
  await sentry?.close()
})

const get = (url: string, headers: Record<string, string> = {}) =>
  fetch(url, { headers, signal: AbortSignal.timeout(5000) })

describe('initSentry with a DSN', () => {
  it('turns Sentry on', () => {
    expect(isSentryInitialised()).toBe(true)
  })

  it('ignores options given once Sentry is on, and says so through the logger', () => {
    const log = new MemoryStream()
    expect(initSentry({ collect: { cookies: true } }, { env: {}, log: pino(log) })).toBe(true)
    const [line] = log.lines()
    expect(line).toMatchObject({ level: 40 })
    expect(line?.msg).toContain('options passed now are ignored')
  })

  it('notices that Express and Fastify were imported first', () => {
    expect(checkInitOrder()).toMatch(/^Sentry was initialised after express and fastify were imported/)
  })
})

describe('captureRequestError', () => {
  it('sends the error tagged with the request id and status, and returns the event id', async () => {
    const eventId = captureRequestError(new Error('queue is full'), {
      requestId: 'req-1',
      tags: { tenant: 'acme' },
    })
    expect(eventId).toMatch(/^[0-9a-f]{32}$/)
    const event = await sentry.waitForEvent((e) => e.event_id === eventId)
    expect(event.tags).toEqual({ request_id: 'req-1', 'http.status_code': 500, tenant: 'acme' })
    expect(event).toMatchObject({ environment: 'test-on', release: 'r-1' })
    expect(event.exception.values[0].mechanism).toMatchObject({ type: 'auto.http.kit.http', handled: false })
  })

  it('uses the status given, over the one on the error', async () => {
    const eventId = captureRequestError(Object.assign(new Error('x'), { status: 400 }), { statusCode: 502 })
    const event = await sentry.waitForEvent((e) => e.event_id === eventId)
    expect(event.tags['http.status_code']).toBe(502)
  })

  it('never sends a 4xx', async () => {
    expect(
      captureRequestError(Object.assign(new Error('gone'), { status: 410 }), { requestId: 'req-4xx' }),
    ).toBe(undefined)
    expect(captureRequestError(new Error('teapot'), { statusCode: 418 })).toBeUndefined()
    expect(await flushSentry(5000)).toBe(true)
    expect(sentry.events().filter((e) => e.tags?.request_id === 'req-4xx')).toEqual([])
  })
})

describe('Express sentryErrorHandler: request id', () => {
  async function requestIdSent(setup: (app: express.Express) => void, headers: Record<string, string> = {}) {
    const app = express()
    setup(app)
    app.get('/boom', () => {
      throw new Error('express boom')
    })
    app.use(sentryErrorHandler({ requestIdHeader: 'X-Correlation-Id' }))
    app.use((_e: unknown, _req: express.Request, res: express.Response, _n: express.NextFunction) => {
      res.status(500).end()
    })
    const server = await listenExpress(app)
    try {
      expect((await get(`${server.url}/boom`, headers)).status).toBe(500)
    } finally {
      await server.close()
    }
    await flushSentry(5000)
    return sentry.events().at(-1)?.tags?.request_id
  }

  it('comes from the response header the logger set (requestIdHeader)', async () => {
    const id = await requestIdSent((app) =>
      app.use((_req, res, next) => {
        res.setHeader('x-correlation-id', 'from-header')
        next()
      }),
    )
    expect(id).toBe('from-header')
  })

  it('falls back to req.id', async () => {
    const id = await requestIdSent((app) =>
      app.use((req, _res, next) => {
        Object.assign(req, { id: 'from-req-id' })
        next()
      }),
    )
    expect(id).toBe('from-req-id')
  })

  it('never trusts an id the client sent', async () => {
    const id = await requestIdSent(() => {}, { 'x-correlation-id': 'forged' })
    expect(id).toBeUndefined()
  })
})

describe('Fastify sentryFastify', () => {
  it('tags request.id, and skips an error answered 4xx through reply.code()', async () => {
    const app = Fastify({ genReqId: () => 'fastify-req' })
    await app.register(sentryFastify)
    app.get('/boom', async () => {
      throw new Error('fastify boom')
    })
    app.get('/conflict', async (_request, reply) => {
      reply.code(409)
      throw new Error('already exists')
    })
    const server = await listenFastify(app)
    try {
      expect((await get(`${server.url}/boom`)).status).toBe(500)
      expect((await get(`${server.url}/conflict`)).status).toBe(409)
    } finally {
      await server.close()
    }
    await flushSentry(5000)
    const sent = sentry.events().filter((e) => e.tags?.request_id === 'fastify-req')
    expect(sent.map((e) => e.exception.values[0].value)).toEqual(['fastify boom'])
    expect(sent[0].exception.values[0].mechanism.type).toBe('auto.http.kit.fastify')
  })
})
