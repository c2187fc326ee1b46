import { type ListeningApp, listenExpress, listenFastify } from '@kit/test-utils'
import express from 'express'
import Fastify from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { flagsMiddleware } from '../src/express.ts'
import { kitFlags } from '../src/fastify.ts'
import { createFlags } from '../src/index.ts'
import type { RequestFlags } from '../src/request.ts'
import { DEFINITIONS } from './helpers/definitions.ts'

// req.flags is bound lazily (a getter on the request prototype, the binding made on first read):
// these prove the binding still behaves as the own property it replaced did.
const flags = createFlags(
  DEFINITIONS,
  { file: false },
  { env: { FEATURE_FLAGS: JSON.stringify({ newCheckout: { allow: ['vip'] } }) } },
)

/** Context reads per request id, to prove the context function runs once per request. */
const contextReads = new Map<string, number>()
function context(req: { headers: Record<string, unknown> }) {
  const id = String(req.headers['x-user'])
  contextReads.set(id, (contextReads.get(id) ?? 0) + 1)
  return { userId: id }
}

/** What a handler answers: the same binding on every read, one context read, evaluations. */
function answer(read: () => RequestFlags, user: string) {
  const first = read()
  const second = read()
  return {
    sameBinding: first === second,
    newCheckout: first.isEnabled('newCheckout') && second.isEnabled('newCheckout'),
    contextReads: contextReads.get(user) ?? 0,
  }
}

const replacement = { isEnabled: () => true, get: () => 'replaced' } as unknown as RequestFlags

async function expressApp(): Promise<ListeningApp> {
  const app = express()
  app.use(flagsMiddleware(flags, { context }))
  app.get('/answer', (req, res) => {
    res.json(answer(() => req.flags, String(req.headers['x-user'])))
  })
  app.get('/replace', (req, res) => {
    req.flags = replacement as never
    res.json({ value: req.flags.get('checkoutCopy') })
  })
  // A sub-app inherits the parent's request prototype once mounted: req.flags is there too.
  const sub = express()
  sub.get('/answer', (req, res) => {
    res.json(answer(() => req.flags, String(req.headers['x-user'])))
  })
  app.use('/sub', sub)
  return listenExpress(app)
}

async function fastifyApp(): Promise<ListeningApp> {
  const app = Fastify()
  await app.register(kitFlags, { flags, context })
  app.get('/answer', async (request) => answer(() => request.flags, String(request.headers['x-user'])))
  app.get('/replace', async (request) => {
    request.flags = replacement as never
    return { value: request.flags.get('checkoutCopy') }
  })
  // An encapsulated child context: the getter lives on the root's Request prototype.
  await app.register(
    async (child) => {
      child.get('/answer', async (request) => answer(() => request.flags, String(request.headers['x-user'])))
    },
    { prefix: '/sub' },
  )
  return listenFastify(app)
}

async function getJson(app: ListeningApp, path: string, user: string): Promise<unknown> {
  const response = await fetch(`${app.url}${path}`, {
    headers: { 'x-user': user },
    signal: AbortSignal.timeout(5000),
  })
  expect(response.status).toBe(200)
  return response.json()
}

describe.each([
  ['express', expressApp],
  ['fastify', fastifyApp],
] as const)('%s: lazily bound req.flags', (framework, start) => {
  let app: ListeningApp
  beforeAll(async () => {
    app = await start()
  })
  afterAll(async () => {
    await app?.close()
  })

  it('gives one binding per request and reads its context once', async () => {
    expect(await getJson(app, '/answer', `${framework}-vip-1`)).toEqual({
      sameBinding: true,
      newCheckout: false,
      contextReads: 1,
    })
    expect(await getJson(app, '/answer', 'vip')).toMatchObject({ sameBinding: true, newCheckout: true })
  })

  it('gives every request its own binding', async () => {
    const users = Array.from({ length: 12 }, (_, i) => `${framework}-user-${i}`)
    const answers = await Promise.all(users.map((user) => getJson(app, '/answer', user)))
    expect(answers).toEqual(users.map(() => ({ sameBinding: true, newCheckout: false, contextReads: 1 })))
  })

  it('lets a handler replace req.flags, as an own property allowed', async () => {
    expect(await getJson(app, '/replace', 'anyone')).toEqual({ value: 'replaced' })
    // The next request gets kit's binding again.
    expect(await getJson(app, '/answer', 'vip')).toMatchObject({ newCheckout: true })
  })

  it('binds requests in mounted sub-apps and child contexts', async () => {
    expect(await getJson(app, '/sub/answer', `${framework}-sub-1`)).toEqual({
      sameBinding: true,
      newCheckout: false,
      contextReads: 1,
    })
  })
})
