import { once } from 'node:events'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { MemoryStream } from '@kit/test-utils'
import express from 'express'
import Fastify, { type FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { afterEach, describe, expect, it } from 'vitest'
import { type KitConfig, productionize } from '../src/index.ts'
import { waitForStatus } from './helpers/start-kit.ts'

// Regression from a real Fastify app built as a plugin (issue 16): productionize()
// runs inside the app plugin, the server is started with the framework's own
// listen() (or by fastify-cli), so nobody holds the kit handle to call
// kit.listen(), and readiness stayed 503 "server not started" for ever.

let close: (() => Promise<void>) | undefined
afterEach(async () => {
  await close?.()
  close = undefined
})

const config = (logs: MemoryStream): KitConfig => ({
  envSource: { NODE_ENV: 'test' },
  health: { signals: false },
  logger: { destination: logs },
})

const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`

describe("the app's own listen() starts kit too", () => {
  it('Express: app.listen() turns readiness on and logs the start-up line', async () => {
    const logs = new MemoryStream()
    const app = express()
    const kit = await productionize(app, config(logs))
    app.get('/hello', (_req, res) => {
      res.send('hello')
    })
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s))
    })
    close = async () => {
      await new Promise((resolve) => server.close(resolve))
      await kit.shutdown()
    }
    expect(await waitForStatus(`${urlOf(server)}/health/ready`, 200)).toBe(200)
    expect(logs.text()).toContain('listening on http://127.0.0.1:')
  })

  it('Express: app.listen() in the same tick as an un-awaited productionize() (a CommonJS server.js)', async () => {
    const logs = new MemoryStream()
    const app = express()
    const ready = productionize(app, config(logs))
    app.get('/hello', (_req, res) => {
      res.send('hello')
    })
    // Before kit's setup has finished: the server must still become kit's.
    const server = app.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const kit = await ready
    close = async () => {
      await new Promise((resolve) => server.close(resolve))
      await kit.shutdown()
    }
    expect(await waitForStatus(`${urlOf(server)}/health/ready`, 200)).toBe(200)
    expect(logs.text()).toContain('listening on http://127.0.0.1:')
    const response = await fetch(`${urlOf(server)}/hello`)
    expect(await response.text()).toBe('hello')
    expect(response.headers.get('x-request-id')).toMatch(/\S/)
  })

  it.each([
    ['wrapped in fastify-plugin', true],
    ['encapsulated (fastify-cli)', false],
  ])('Fastify: productionize() inside the app plugin (%s), then fastify.listen()', async (_name, wrapped) => {
    const logs = new MemoryStream()
    const plugin = async (instance: FastifyInstance) => {
      await productionize(instance, config(logs))
      instance.get('/hello', async () => ({ hello: 'world' }))
    }
    const app = Fastify()
    app.register(wrapped ? fp(plugin) : plugin)
    await app.listen({ port: 0, host: '127.0.0.1' })
    close = () => app.close()
    const url = urlOf(app.server)
    expect(await waitForStatus(`${url}/health/ready`, 200)).toBe(200)
    const hello = await fetch(`${url}/hello`)
    expect(hello.status).toBe(200)
    expect(hello.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    expect(hello.headers.get('content-security-policy')).toContain("default-src 'none'")
    expect(logs.text()).toContain('listening on http://127.0.0.1:')
  })
})
