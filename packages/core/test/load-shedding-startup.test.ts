import type { AddressInfo } from 'node:net'
import { MemoryStream } from '@kit/test-utils'
import express from 'express'
import Fastify from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { fastifyOptions, type Kit, productionize } from '../src/index.ts'

/** Blocks the event loop, the way an app's synchronous start-up work does. */
function busy(ms: number): void {
  const end = Date.now() + ms
  while (Date.now() < end) {}
}

/**
 * Regression (issue 19): the load monitor started inside productionize(), so
 * an app doing 1.5 s of work after it answered 503, 503, 503, 200 in its first
 * second after listen. Shedding is enforced here as in production.
 */
describe.each(['express', 'fastify'] as const)('%s', (framework) => {
  let kit: Kit<any> | undefined
  afterEach(async () => {
    await kit?.shutdown()
    kit = undefined
  })

  it('never sheds for start-up work done after productionize() and right after listen', async () => {
    const logs = new MemoryStream()
    const config = {
      logger: { destination: logs },
      envSource: { NODE_ENV: 'test' },
      health: { signals: false as const, loadShedding: { enforce: true } },
    }
    const app: any = framework === 'express' ? express() : Fastify(fastifyOptions(config) as never)
    kit = await productionize(app, config)
    app.get('/api/hello', (_req: unknown, res?: { json(body: unknown): void }) =>
      framework === 'express' ? res!.json({ hello: 'world' }) : { hello: 'world' },
    )
    busy(1500)
    const server = await kit.listen({ port: 0, host: '127.0.0.1' })
    busy(1500)
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${url}/api/hello`, { signal: AbortSignal.timeout(10_000) })
      await res.arrayBuffer()
      statuses.push(res.status)
    }
    expect(statuses).toEqual([200, 200, 200, 200])
    expect(logs.text()).not.toContain('overloaded')
  })
})
