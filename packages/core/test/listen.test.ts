import { createServer, type Server } from 'node:net'
import { fileURLToPath } from 'node:url'
import { freePort, spawnTs } from '@kit/test-utils'
import express from 'express'
import Fastify from 'fastify'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { fastifyOptions, productionize } from '../src/index.ts'

const APP = fileURLToPath(new URL('./fixtures/listen-app.ts', import.meta.url))

/** Something else listening on a port of 127.0.0.1, as an earlier `npm run dev` would. */
async function occupy(): Promise<{ port: number; server: Server }> {
  const port = await freePort()
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', resolve)
  })
  return { port, server }
}

describe.each(['express', 'fastify'] as const)('kit.listen() on %s when the port is in use', (framework) => {
  let taken: { port: number; server: Server }
  beforeEach(async () => {
    taken = await occupy()
  })
  afterEach(async () => {
    await new Promise((resolve) => taken.server.close(resolve))
  })

  it('rejects with KIT_CORE_PORT_IN_USE naming the port and the process holding it', async () => {
    const config = { envSource: { NODE_ENV: 'test' }, health: { signals: false as const } }
    const app: any = framework === 'express' ? express() : Fastify(fastifyOptions(config) as never)
    const kit = await productionize(app, config)
    const error = (await kit.listen({ port: taken.port, host: '127.0.0.1' }).then(
      () => undefined,
      (e: unknown) => e,
    )) as Error & { code?: string }
    expect(error).toBeInstanceOf(Error)
    expect(error.code).toBe('KIT_CORE_PORT_IN_USE')
    expect(error.message).toContain(`127.0.0.1:${taken.port}`)
    expect(error.message).toContain('PORT')
    await kit.shutdown()
  })

  it('makes a Procfile process exit non-zero, with the holder named (this test process)', async () => {
    const child = spawnTs(APP, [framework], { env: { PORT: String(taken.port), NODE_ENV: 'test' } })
    const { code } = await child.exited
    expect(code).not.toBe(0)
    expect(code).not.toBeNull()
    const output = child.stdout() + child.stderr()
    expect(output).toContain('KIT_CORE_PORT_IN_USE')
    expect(output).not.toContain('LISTENING')
    // On Linux the holder is found in /proc: this vitest worker listens on the port.
    if (process.platform === 'linux') expect(output).toContain(`pid ${process.pid}`)
  })
})

describe('kit.listen() when the app fails to load', () => {
  it("rejects with the plugin's own error on Fastify, not as a port problem", async () => {
    const config = { envSource: { NODE_ENV: 'test' }, health: { signals: false as const } }
    const app = Fastify(fastifyOptions(config) as never)
    const kit = await productionize(app, config)
    app.register(async () => {
      throw new Error('the queue plugin could not start')
    })
    const error = (await kit.listen({ port: 0, host: '127.0.0.1' }).then(
      () => undefined,
      (e: unknown) => e,
    )) as Error & { code?: string }
    expect(error).toBeInstanceOf(Error)
    expect(error.message).toBe('the queue plugin could not start')
    expect(error.code).not.toBe('KIT_CORE_LISTEN_FAILED')
    await kit.shutdown()
  })
})
