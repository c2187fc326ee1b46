import { type ListeningApp, listenFastify } from '@kit/test-utils'
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { metricsHook } from '../src/fastify.ts'
import { createMetrics } from '../src/index.ts'
import { hit, value } from './helpers.ts'

type Hook = (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => void

/** Steps run one after another in one onRequest hook, as kit's pipeline chains them. */
function chain(hooks: Hook[]): Hook {
  return (request, reply, done) => {
    let index = 0
    const step = (error?: Error): void => {
      if (error) done(error)
      else if (index === hooks.length) done()
      else hooks[index++]!(request, reply, step)
    }
    step()
  }
}

describe('metricsHook() chained with other onRequest steps (Fastify)', () => {
  const metrics = createMetrics({ alerts: false, processMetrics: false }, { env: {} })
  const after: string[] = []
  let app: ListeningApp

  beforeAll(async () => {
    await metrics.start()
    const fastify = Fastify()
    const hook = metricsHook(metrics)!
    const marker: Hook = (request, _reply, done) => {
      after.push(request.url)
      done()
    }
    fastify.addHook('onRequest', chain([hook, marker]))
    fastify.get('/users/:id', async (request) => ({ id: (request.params as { id: string }).id }))
    app = await listenFastify(fastify)
  })
  afterAll(async () => {
    await app?.close()
    await metrics.close()
  })

  it('records requests under their route template and hands on to the next step', async () => {
    await hit(app.url, (i) => `/users/${i}`, 20)
    const text = await metrics.metrics()
    expect(value(text, 'http_requests_total', 'route="/users/:id"', 'status_class="2xx"')).toBe(20)
    expect(text).not.toMatch(/route="\/users\/\d/)
    expect(after).toHaveLength(20)
  })

  it('answers the endpoint itself, before the next step', async () => {
    const response = await fetch(`${app.url}/metrics`, { signal: AbortSignal.timeout(5000) })
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('http_requests_total')
    expect(after).not.toContain('/metrics')
  })

  it('is undefined when metrics are off', () => {
    expect(metricsHook(createMetrics({ enabled: false }, { env: {} }))).toBeUndefined()
  })
})
