import type { AddressInfo } from 'node:net'
import { fastifyRouteConfig } from '@kit/internal'
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'

/** What a handler sees: is fastifyRouteConfig() the very object routeOptions.config is, and its url. */
function seen(request: FastifyRequest) {
  const config = fastifyRouteConfig(request)
  return {
    same: (config as unknown) === request.routeOptions.config,
    url: config?.url ?? null,
    routeOptionsUrl: request.routeOptions.url ?? null,
    is404: request.is404,
    tier: (config as { kitRateLimit?: unknown } | undefined)?.kitRateLimit ?? null,
  }
}

let app: FastifyInstance | undefined
afterEach(async () => {
  await app?.close()
  app = undefined
})

async function listen(instance: FastifyInstance): Promise<string> {
  await instance.listen({ port: 0, host: '127.0.0.1' })
  return `http://127.0.0.1:${(instance.server.address() as AddressInfo).port}`
}

describe('fastifyRouteConfig on a listening Fastify server', () => {
  it('is the object request.routeOptions.config returns, for plain, parametric, prefixed and 404 routes', async () => {
    app = Fastify()
    app.get('/plain', async (request) => seen(request))
    app.get('/users/:id', { config: { kitRateLimit: 'auth' } }, async (request) => seen(request))
    await app.register(
      async (scoped) => {
        scoped.get('/items', async (request) => seen(request))
      },
      { prefix: '/v1' },
    )
    app.setNotFoundHandler(async (request, reply) => reply.code(404).send(seen(request)))
    const url = await listen(app)

    const plain = await (await fetch(`${url}/plain`)).json()
    expect(plain).toEqual({ same: true, url: '/plain', routeOptionsUrl: '/plain', is404: false, tier: null })
    const param = await (await fetch(`${url}/users/7`)).json()
    expect(param).toEqual({
      same: true,
      url: '/users/:id',
      routeOptionsUrl: '/users/:id',
      is404: false,
      tier: 'auth',
    })
    const prefixed = await (await fetch(`${url}/v1/items`)).json()
    expect(prefixed).toMatchObject({ same: true, url: '/v1/items', routeOptionsUrl: '/v1/items' })
    const missing = await fetch(`${url}/nowhere`)
    expect(missing.status).toBe(404)
    expect(await missing.json()).toEqual({
      same: true,
      url: null,
      routeOptionsUrl: null,
      is404: true,
      tier: null,
    })
  })

  it('reads routeOptions when the request carries no route context it can prove', () => {
    const config = { url: '/x' }
    const stranger = { routeOptions: { config } }
    expect(fastifyRouteConfig(stranger)).toBe(config)
  })
})
