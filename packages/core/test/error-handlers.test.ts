import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { MemoryStream } from '@kit/test-utils'
import express from 'express'
import Fastify from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { type ErrorRenderer, fastifyOptions, type Kit, type KitConfig, productionize } from '../src/index.ts'

const FRAMEWORKS = ['express', 'fastify'] as const

interface Served {
  url: string
  kit: Kit<any>
  close(): Promise<void>
}

let running: Served | undefined
afterEach(async () => {
  await running?.close()
  running = undefined
})

// Production behind one proxy hop that terminated TLS for example.com, as on Heroku.
const PRODUCTION = {
  NODE_ENV: 'production',
  APP_URL: 'https://example.com',
  TRUST_PROXY: '1',
  RATE_LIMIT_PER_MINUTE: '5',
}
const PROXIED = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'example.com' }

/** A JSON body, typed loosely for assertions. */
async function bodyOf(res: Response): Promise<any> {
  return res.json()
}

/** fetch() through the "proxy": HTTPS for example.com. */
function get(url: string, init: RequestInit & { headers?: Record<string, string> } = {}): Promise<Response> {
  return fetch(url, { ...init, headers: { ...PROXIED, ...init.headers } })
}

function config(logs: MemoryStream, extra: KitConfig = {}): KitConfig {
  return {
    envSource: { ...PRODUCTION, ...extra.envSource },
    health: { signals: false },
    logger: { destination: logs },
    ...extra,
  }
}

/**
 * The app as a test or a serverless handler uses it: Express through a
 * node:http server made from the app (what supertest does), Fastify through
 * its own listen(); kit.listen() is never called.
 */
async function serveWithoutKitListen(
  framework: 'express' | 'fastify',
  kitConfig: KitConfig,
  routes: (app: any) => void,
): Promise<Served> {
  const app: any = framework === 'express' ? express() : Fastify(fastifyOptions(kitConfig) as never)
  const kit = await productionize(app, kitConfig)
  routes(app)
  let server: Server
  if (framework === 'express') {
    server = createServer(app)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  } else {
    await app.listen({ port: 0, host: '127.0.0.1' })
    server = app.server
  }
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const close = async () => {
    if (framework === 'express') await new Promise((resolve) => server.close(resolve))
    else await app.close()
    await kit.shutdown()
  }
  return { url, kit, close }
}

const boom = (framework: 'express' | 'fastify') => (app: any) => {
  if (framework === 'express') {
    app.get('/boom', () => {
      throw new Error('database password is hunter2')
    })
  } else {
    app.get('/boom', async () => {
      throw new Error('database password is hunter2')
    })
  }
  app.post('/echo', (req: any, res: any) => (framework === 'express' ? res.json(req.body) : req.body))
}

describe.each(FRAMEWORKS)('%s: 404 and error handler without kit.listen()', (framework) => {
  it('answers unknown routes and thrown errors with kit bodies, the request id included', async () => {
    const logs = new MemoryStream()
    running = await serveWithoutKitListen(framework, config(logs), boom(framework))
    const missing = await get(`${running.url}/nope`, { headers: { 'x-request-id': 'req-404' } })
    expect(missing.status).toBe(404)
    expect(await bodyOf(missing)).toEqual({
      error: { status: 404, title: 'Not Found', message: 'No route for GET /nope', requestId: 'req-404' },
    })
    const failed = await get(`${running.url}/boom`, { headers: { 'x-request-id': 'req-500' } })
    expect(failed.status).toBe(500)
    expect(await bodyOf(failed)).toEqual({
      error: {
        status: 500,
        title: 'Internal Server Error',
        message: 'Internal Server Error',
        requestId: 'req-500',
      },
    })
  })
})

describe('Fastify: inject() without listening', () => {
  it('gets kit 404 body (the 404 handler is set at the first ready())', async () => {
    const logs = new MemoryStream()
    const kitConfig = config(logs)
    const app = Fastify(fastifyOptions(kitConfig) as never)
    const kit = await productionize(app, kitConfig)
    const res = await app.inject({ url: '/nope', headers: PROXIED })
    expect(res.statusCode).toBe(404)
    expect(res.json()).toMatchObject({ error: { status: 404, message: 'No route for GET /nope' } })
    await app.close()
    expect(logs.lines().some((l) => l.msg?.toString().startsWith('graceful shutdown complete'))).toBe(true)
    void kit
  })
})

describe.each(FRAMEWORKS)('%s: one error body shape', (framework) => {
  it('a malformed JSON body (400), a 404, a thrown error and a rate-limit refusal (429) share one shape', async () => {
    const logs = new MemoryStream()
    running = await serveWithoutKitListen(framework, config(logs), boom(framework))
    const bodies: Record<string, any> = {}
    const malformed = await get(`${running.url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"unterminated',
    })
    expect(malformed.status).toBe(400)
    bodies.malformed = await bodyOf(malformed)
    bodies.missing = await bodyOf(await get(`${running.url}/missing`))
    bodies.boom = await bodyOf(await get(`${running.url}/boom`))
    let limited: Response | undefined
    for (let i = 0; i < 10 && limited?.status !== 429; i++) limited = await get(`${running.url}/missing`)
    expect(limited?.status).toBe(429)
    bodies.limited = await bodyOf(limited!)
    for (const [name, body] of Object.entries(bodies)) {
      expect(Object.keys(body), name).toEqual(['error'])
      expect(body.error, name).toMatchObject({
        status: expect.any(Number),
        title: expect.any(String),
        message: expect.any(String),
      })
      expect(body.error.requestId, name).toEqual(expect.any(String))
    }
    expect(bodies.malformed.error.status).toBe(400)
    expect(bodies.malformed.error.code).toMatch(/^(KIT|FST)_/)
    expect(bodies.limited.error).toMatchObject({ status: 429, retryAfter: expect.any(Number) })
  })

  it('errors.render answers every kit error in the app own shape', async () => {
    const logs = new MemoryStream()
    const render: ErrorRenderer = (error) => ({
      body: { errors: [{ status: String(error.status), detail: error.message, code: error.code ?? null }] },
    })
    running = await serveWithoutKitListen(framework, config(logs, { errors: { render } }), boom(framework))
    const malformed = await get(`${running.url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"unterminated',
    })
    expect(malformed.status).toBe(400)
    expect((await bodyOf(malformed)).errors[0]).toMatchObject({ status: '400', code: expect.any(String) })
    const missing = await get(`${running.url}/missing`)
    expect(await bodyOf(missing)).toEqual({
      errors: [{ status: '404', detail: 'No route for GET /missing', code: null }],
    })
    const failed = await get(`${running.url}/boom`)
    expect(failed.status).toBe(500)
    expect(await bodyOf(failed)).toEqual({
      errors: [{ status: '500', detail: 'Internal Server Error', code: null }],
    })
    let limited: Response | undefined
    for (let i = 0; i < 10 && limited?.status !== 429; i++) limited = await get(`${running.url}/missing`)
    expect(limited?.status).toBe(429)
    expect((await bodyOf(limited!)).errors[0].status).toBe('429')
    // A host kit refuses (security) is rendered the same way.
    const otherHost = await get(`${running.url}/`, { headers: { 'x-forwarded-host': 'evil.example' } })
    expect(otherHost.status).toBe(421)
    expect((await bodyOf(otherHost)).errors[0]).toMatchObject({
      status: '421',
      code: 'KIT_SECURITY_UNKNOWN_HOST',
    })
  })

  it('refuses an errors.render that is not a function', async () => {
    const app: any = framework === 'express' ? express() : Fastify()
    await expect(
      productionize(app, { envSource: { NODE_ENV: 'test' }, errors: { render: 'json' as never } }),
    ).rejects.toMatchObject({
      code: 'KIT_CORE_CONFIG_INVALID',
      message: expect.stringContaining('errors.render'),
    })
  })
})

describe('the app keeps its own 404 and error handlers', () => {
  it('Express: the app own 404 and error middleware answer first; kit stays the fallback', async () => {
    const logs = new MemoryStream()
    running = await serveWithoutKitListen('express', config(logs), (app) => {
      app.get('/boom', () => {
        throw new Error('nope')
      })
      app.use((_req: any, res: any) => res.status(404).json({ errors: ['not here'] }))
      app.use((_error: unknown, _req: any, res: any, _next: unknown) =>
        res.status(500).json({ errors: ['broken'] }),
      )
    })
    expect(await bodyOf(await get(`${running.url}/missing`))).toEqual({ errors: ['not here'] })
    expect(await bodyOf(await get(`${running.url}/boom`))).toEqual({ errors: ['broken'] })
    expect(
      logs
        .lines()
        .filter((l) => l.warning)
        .map((l) => l.warning),
    ).toEqual(['own-error-handler'])
  })

  it('Fastify: setNotFoundHandler and setErrorHandler after productionize() never crash, and answer', async () => {
    const logs = new MemoryStream()
    const warnings: string[] = []
    const onWarning = (warning: Error) => warnings.push(warning.message)
    process.on('warning', onWarning)
    try {
      const kitConfig = config(logs)
      const app = Fastify({ ...(fastifyOptions(kitConfig) as object), allowErrorHandlerOverride: false })
      const kit = await productionize(app, kitConfig)
      app.setNotFoundHandler((_request, reply) => reply.code(404).send({ errors: ['not here'] }))
      app.setErrorHandler((_error, _request, reply) => reply.code(500).send({ errors: ['broken'] }))
      app.get('/boom', async () => {
        throw new Error('nope')
      })
      await kit.listen({ port: 0, host: '127.0.0.1' })
      const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
      running = { url, kit, close: () => kit.shutdown() }
      expect(await bodyOf(await get(`${url}/missing`))).toEqual({ errors: ['not here'] })
      expect(await bodyOf(await get(`${url}/boom`))).toEqual({ errors: ['broken'] })
      expect(
        logs
          .lines()
          .filter((l) => l.warning)
          .map((l) => l.warning)
          .sort(),
      ).toEqual(['own-error-handler', 'own-not-found-handler'])
      expect(warnings.filter((w) => w.includes('errorHandler'))).toEqual([])
    } finally {
      process.off('warning', onWarning)
    }
  })

  // As fastify/demo does it: the app is a plugin (skip-override, so it acts on the root)
  // registered without await, and its 404 handler is set while ready() loads it.
  it('Fastify: a 404 handler set by a root plugin while ready() loads it answers, and start-up does not crash', async () => {
    const logs = new MemoryStream()
    const kitConfig = config(logs)
    const app = Fastify(fastifyOptions(kitConfig) as never)
    const kit = await productionize(app, kitConfig)
    const serviceApp = async (root: any) => {
      root.setNotFoundHandler({ preHandler: async () => {} }, (_request: any, reply: any) =>
        reply.code(404).send({ message: 'Not Found' }),
      )
    }
    ;(serviceApp as any)[Symbol.for('skip-override')] = true
    app.register(serviceApp)
    await kit.listen({ port: 0, host: '127.0.0.1' })
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
    running = { url, kit, close: () => kit.shutdown() }
    const res = await get(`${url}/missing`)
    expect(res.status).toBe(404)
    expect(await bodyOf(res)).toEqual({ message: 'Not Found' })
    expect(logs.lines().filter((l) => l.warning === 'own-not-found-handler')).toHaveLength(1)
  })

  it('Fastify: a 404 handler set before productionize() stays, and start-up does not crash', async () => {
    const logs = new MemoryStream()
    const kitConfig = config(logs)
    const app = Fastify(fastifyOptions(kitConfig) as never)
    app.setNotFoundHandler((_request, reply) => reply.code(404).send({ message: 'mine' }))
    const kit = await productionize(app, kitConfig)
    await kit.listen({ port: 0, host: '127.0.0.1' })
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
    running = { url, kit, close: () => kit.shutdown() }
    expect(await bodyOf(await get(`${url}/missing`))).toEqual({ message: 'mine' })
  })

  it('Fastify: a 404 handler under a prefix leaves kit the rest', async () => {
    const logs = new MemoryStream()
    const kitConfig = config(logs)
    const app = Fastify(fastifyOptions(kitConfig) as never)
    const kit = await productionize(app, kitConfig)
    await app.register(
      async (api) => {
        api.setNotFoundHandler((_request, reply) => reply.code(404).send({ api: 'not here' }))
      },
      { prefix: '/api' },
    )
    await kit.listen({ port: 0, host: '127.0.0.1' })
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
    running = { url, kit, close: () => kit.shutdown() }
    expect(await bodyOf(await get(`${url}/api/missing`))).toEqual({ api: 'not here' })
    expect((await bodyOf(await get(`${url}/missing`))).error.status).toBe(404)
  })
})
