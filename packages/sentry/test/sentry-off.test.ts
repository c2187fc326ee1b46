import { isKitError } from '@kit/internal'
import {
  captureRequestError,
  checkInitOrder,
  errorStatusCode,
  flushSentry,
  initSentry,
  isSentryInitialised,
  sentryShutdownHook,
} from '@kit/sentry'
import { sentryErrorHandler } from '@kit/sentry/express'
import { sentryFastify } from '@kit/sentry/fastify'
import { listenExpress, listenFastify } from '@kit/test-utils'
import express from 'express'
import Fastify from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { setSentryState } from '../src/state.ts'

// Sentry off: what every app without SENTRY_DSN runs. Nothing is sent and
// nothing gets in the way of the app's own error handling.
afterEach(() => setSentryState(undefined))

const get = (url: string) => fetch(url, { signal: AbortSignal.timeout(5000) })

describe('initSentry without a DSN', () => {
  it('returns false and leaves Sentry off', () => {
    expect(initSentry({}, { env: {} })).toBe(false)
    expect(isSentryInitialised()).toBe(false)
  })

  it('validates options even when off', () => {
    expect(() => initSentry({ tracesSampleRate: 5 }, { env: {} })).toThrow(/tracesSampleRate/)
  })

  it('stays off when a later call brings no DSN either', () => {
    initSentry({}, { env: {} })
    expect(initSentry({}, { env: { SENTRY_DSN: '' } })).toBe(false)
    expect(isSentryInitialised()).toBe(false)
  })
})

describe('captureRequestError', () => {
  it('sends nothing and returns undefined', () => {
    expect(captureRequestError(new Error('x'), { requestId: 'r1' })).toBeUndefined()
  })
})

describe('flushSentry and sentryShutdownHook', () => {
  it('resolve at once', async () => {
    expect(await flushSentry(10)).toBe(true)
    const hook = sentryShutdownHook()
    expect(hook).toMatchObject({ name: 'sentry', timeoutMs: 3000 })
    expect(await hook.close()).toBe(true)
  })

  it('uses closeTimeoutMs from initSentry(), even when made before it', () => {
    const hook = sentryShutdownHook()
    initSentry({ closeTimeoutMs: 500 }, { env: {} })
    expect(hook.timeoutMs).toBe(1500)
  })

  it('takes a close timeout and rejects a bad one', () => {
    expect(sentryShutdownHook({ timeoutMs: 500 }).timeoutMs).toBe(1500)
    const error = (() => {
      try {
        sentryShutdownHook({ timeoutMs: -1 })
      } catch (e) {
        return e
      }
    })()
    expect(isKitError(error, 'KIT_SENTRY_INVALID_OPTION')).toBe(true)
  })
})

describe('checkInitOrder', () => {
  it('says nothing without a DSN', () => {
    expect(checkInitOrder({ env: {} })).toBeUndefined()
  })

  it('warns when SENTRY_DSN is set but nothing initialised Sentry, with the Procfile fix', () => {
    const warning = checkInitOrder({ env: { SENTRY_DSN: 'https://key@sentry.example.com/1' } })
    expect(warning).toContain('Sentry was not initialised')
    expect(warning).toContain('web: node --import @kit/sentry/instrument dist/app.js')
    expect(warning).not.toContain('sentry.example.com')
  })

  it('says nothing when the preload ran and found no DSN', () => {
    initSentry({}, { env: {} })
    expect(checkInitOrder({ env: {} })).toBeUndefined()
  })
})

describe('errorStatusCode', () => {
  it.each([
    [{ status: 400 }, undefined, 400],
    [{ statusCode: 503 }, undefined, 503],
    [{ status: '404' }, undefined, 404],
    [{ status: 302 }, undefined, 500],
    [{ status: 700 }, undefined, 500],
    [new Error('plain'), undefined, 500],
    ['a string', undefined, 500],
    [null, undefined, 500],
    [new Error('plain'), 418, 418],
    [new Error('plain'), 200, 500],
    [{ statusCode: 422 }, 503, 422],
  ])('%j (fallback %j) → %i', (error, fallback, expected) => {
    expect(errorStatusCode(error, fallback)).toBe(expected)
  })
})

describe('Express sentryErrorHandler', () => {
  it("passes the error on, so the app's error handler answers", async () => {
    const app = express()
    app.get('/boom', () => {
      throw Object.assign(new Error('nope'), { status: 503 })
    })
    app.use(sentryErrorHandler())
    app.use(
      (
        error: Error & { status: number },
        _req: express.Request,
        res: express.Response,
        _next: express.NextFunction,
      ) => {
        res.status(error.status).json({ handled: error.message })
      },
    )
    const server = await listenExpress(app)
    try {
      const res = await get(`${server.url}/boom`)
      expect(res.status).toBe(503)
      expect(await res.json()).toEqual({ handled: 'nope' })
    } finally {
      await server.close()
    }
  })

  it('is a named function, for readable stacks', () => {
    expect(sentryErrorHandler().name).toBe('kitSentryErrorHandler')
  })

  it('explains the fix when the factory is passed without being called', async () => {
    const app = express()
    app.use(sentryErrorHandler as never)
    app.get('/', (_req, res) => {
      res.send('ok')
    })
    let seen: unknown
    app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      seen = error
      res.status(500).end()
    })
    const server = await listenExpress(app)
    try {
      expect((await get(server.url)).status).toBe(500)
      expect(isKitError(seen, 'KIT_SENTRY_MIDDLEWARE_NOT_CALLED')).toBe(true)
      expect((seen as Error).message).toContain('app.use(sentryErrorHandler())')
    } finally {
      await server.close()
    }
  })
})

describe('Fastify sentryFastify', () => {
  it("observes errors without answering: the app's error handler still does", async () => {
    const app = Fastify()
    await app.register(sentryFastify)
    app.get('/boom', async () => {
      throw Object.assign(new Error('nope'), { statusCode: 502 })
    })
    app.setErrorHandler((error: Error & { statusCode: number }, _request, reply) => {
      reply.code(error.statusCode).send({ handled: error.message })
    })
    const server = await listenFastify(app)
    try {
      const res = await get(`${server.url}/boom`)
      expect(res.status).toBe(502)
      expect(await res.json()).toEqual({ handled: 'nope' })
    } finally {
      await server.close()
    }
  })

  it('registers once under the name @kit/sentry', async () => {
    const app = Fastify()
    await app.register(sentryFastify)
    await app.ready()
    expect(app.printPlugins()).toContain('@kit/sentry')
    await app.close()
  })
})
