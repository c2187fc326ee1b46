import { isKitError } from '@kit/internal'
import { type ListeningApp, listenExpress, listenFastify } from '@kit/test-utils'
import express from 'express'
import Fastify from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { flagsMiddleware } from '../src/express.ts'
import { kitFlags } from '../src/fastify.ts'
import { createFlags } from '../src/index.ts'
import { DEFINITIONS } from './helpers/definitions.ts'

const flags = createFlags(
  DEFINITIONS,
  { file: false },
  {
    env: {
      FEATURE_FLAGS: JSON.stringify({
        newCheckout: { allow: ['vip'] },
        checkoutCopy: { rules: ['plan = pro'], value: 'c' },
      }),
    },
  },
)

/** What every route answers: the request's flags, read after the auth step set the user. */
function answer(requestFlags: {
  isEnabled(name: string): boolean
  get(name: string): unknown
  context: unknown
}) {
  return {
    newCheckout: requestFlags.isEnabled('newCheckout'),
    checkoutCopy: requestFlags.get('checkoutCopy'),
    context: requestFlags.context ?? null,
  }
}

async function expressApp(options?: Parameters<typeof flagsMiddleware>[1]): Promise<ListeningApp> {
  const app = express()
  app.use(flagsMiddleware(flags, options))
  // The app's auth runs after kit's middleware: the user is read lazily.
  app.use((req, _res, next) => {
    const id = req.headers['x-user']
    if (typeof id === 'string')
      (req as unknown as { user: { id: string; plan?: string } }).user = {
        id,
        plan: req.headers['x-plan'] as string,
      }
    next()
  })
  app.get('/flags', (req, res) => {
    res.json(answer(req.flags))
  })
  return listenExpress(app)
}

async function fastifyApp(options: { context?: (request: any) => any } = {}): Promise<ListeningApp> {
  const app = Fastify()
  await app.register(kitFlags, { flags, ...options })
  app.decorateRequest('user', null)
  app.addHook('preHandler', async (request) => {
    const id = request.headers['x-user']
    if (typeof id === 'string')
      (request as unknown as { user: { id: string; plan?: string } }).user = {
        id,
        plan: request.headers['x-plan'] as string,
      }
  })
  app.get('/flags', async (request) => answer(request.flags))
  return listenFastify(app)
}

async function get(
  app: ListeningApp,
  headers: Record<string, string> = {},
): Promise<Record<string, unknown>> {
  const response = await fetch(`${app.url}/flags`, { headers, signal: AbortSignal.timeout(5000) })
  expect(response.status).toBe(200)
  return (await response.json()) as Record<string, unknown>
}

describe.each([
  ['express', expressApp],
  ['fastify', fastifyApp],
] as const)('%s', (_framework, start) => {
  let plain: ListeningApp
  let custom: ListeningApp

  beforeAll(async () => {
    plain = await start()
    custom = await start({
      context: (req: { user?: { id: string; plan?: string } }) =>
        req.user ? { userId: req.user.id, attributes: { plan: req.user.plan } } : undefined,
    })
  })
  afterAll(async () => {
    await plain?.close()
    await custom?.close()
  })

  it('binds req.flags to the user an auth step set after kit’s middleware', async () => {
    expect(await get(plain, { 'x-user': 'vip' })).toEqual({
      newCheckout: true,
      checkoutCopy: 'a',
      context: { userId: 'vip' },
    })
    expect(await get(plain, { 'x-user': 'someone' })).toMatchObject({ newCheckout: false })
  })

  it('evaluates anonymous requests without a context', async () => {
    expect(await get(plain)).toEqual({ newCheckout: false, checkoutCopy: 'a', context: null })
  })

  it('uses the context option for attributes', async () => {
    expect(await get(custom, { 'x-user': 'u1', 'x-plan': 'pro' })).toMatchObject({
      checkoutCopy: 'c',
      newCheckout: false,
    })
    expect(await get(custom, { 'x-user': 'vip', 'x-plan': 'free' })).toMatchObject({
      checkoutCopy: 'a',
      newCheckout: true,
    })
  })

  it('keeps concurrent requests apart', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => get(plain, { 'x-user': i % 2 ? 'vip' : `u${i}` })),
    )
    expect(results.map((result) => result.newCheckout)).toEqual(results.map((_, i) => i % 2 === 1))
  })
})

describe('misuse', () => {
  it('tells Express users to call flagsMiddleware with the flags', () => {
    const app = express()
    let error: unknown
    try {
      app.use(flagsMiddleware(undefined as never))
    } catch (caught) {
      error = caught
    }
    expect(isKitError(error, 'KIT_FLAGS_NOT_CALLED')).toBe(true)
    expect((error as Error).message).toContain('app.use(flagsMiddleware(flags))')
  })

  it('fails each request with KIT_FLAGS_NOT_CALLED after `app.use(flagsMiddleware)`', async () => {
    const app = express()
    app.use(flagsMiddleware as never)
    let seen: unknown
    app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      seen = error
      res.status(500).end()
    })
    const listening = await listenExpress(app)
    try {
      const response = await fetch(`${listening.url}/`, { signal: AbortSignal.timeout(5000) })
      expect(response.status).toBe(500)
      expect(isKitError(seen, 'KIT_FLAGS_NOT_CALLED')).toBe(true)
    } finally {
      await listening.close()
    }
  })

  it('fails Fastify registration without flags', async () => {
    const app = Fastify()
    await expect(app.register(kitFlags, {} as never).ready()).rejects.toThrow(/kitFlags needs the flags/)
    await app.close()
  })
})
