import type { AddressInfo } from 'node:net'
import express from 'express'
import Fastify from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import type { KitConfig } from '../src/config/types.ts'
import { INSTALLED_STEPS, PIPELINE } from '../src/productionize/pipeline.ts'
import { composite } from '../src/productionize/pipeline-express.ts'
import { chain } from '../src/productionize/pipeline-fastify.ts'
import { type StartedKit, startKit } from './helpers/start-kit.ts'

type Framework = 'express' | 'fastify'

/** Configurations that turn different sets of steps on (Sentry's own tests cover the 'sentry' step). */
const CONFIGS: Record<string, KitConfig> = {
  defaults: {},
  'nothing optional': { security: false, rateLimit: false, health: { loadShedding: false } },
  'everything but Sentry': {
    errors: { render: (error) => ({ body: { message: error.message } }) },
    metrics: { trustPrivateNetwork: false },
    envSource: { METRICS_TOKEN: 'pipeline-table-metrics-token' },
    flags: { beta: { default: false } },
    flagOptions: { file: false },
  },
}

const installedOf = (kit: object): readonly string[] =>
  (kit as Record<symbol, readonly string[]>)[INSTALLED_STEPS] ?? []

const hello = (framework: Framework) => (app: any) => {
  if (framework === 'express') app.get('/api/hello', (_req: unknown, res: any) => res.json({ ok: true }))
  else app.get('/api/hello', async () => ({ ok: true }))
}

let started: StartedKit[] = []
afterEach(async () => {
  await Promise.all(started.map((s) => s.close()))
  started = []
})

describe('the pipeline table (DESIGN §6 as data)', () => {
  it('names each step once, and a step another installs names one that comes before it', () => {
    const names = PIPELINE.map((step) => step.name)
    expect(new Set(names).size).toBe(names.length)
    for (const [index, step] of PIPELINE.entries()) {
      // Both forms exist for every step: the type requires them, this keeps a cast from hiding one.
      expect(step.express, step.name).toBeTypeOf('object')
      expect(step.fastify, step.name).toBeTypeOf('object')
      if ('providedBy' in step.fastify) {
        expect(names.indexOf(step.fastify.providedBy), step.name).toBeGreaterThanOrEqual(0)
        expect(names.indexOf(step.fastify.providedBy), step.name).toBeLessThan(index)
      }
    }
    // The order of DESIGN §6, for the steps it names.
    const order = [
      'requestLogger',
      'loadShedding',
      'hosts',
      'headers',
      'cors',
      'csrf',
      'rateLimits',
      'bodyLimits',
    ]
    expect(names.filter((name) => order.includes(name))).toEqual(order)
    expect(names.indexOf('healthRoutes')).toBeLessThan(names.indexOf('rateLimits'))
  })

  for (const [label, config] of Object.entries(CONFIGS)) {
    it(`installs the same steps, in table order, on Express and Fastify (${label})`, async () => {
      const installed: Record<Framework, readonly string[]> = { express: [], fastify: [] }
      for (const framework of ['express', 'fastify'] as const) {
        const kit = await startKit(framework, config, hello(framework))
        started.push(kit)
        installed[framework] = installedOf(kit.kit)
        // A real request goes through what was installed.
        const res = await fetch(`${kit.url}/api/hello`)
        expect(res.status, framework).toBe(200)
        expect(res.headers.get('x-request-id'), framework).toBeTruthy()
        if (config.security !== false)
          expect(res.headers.get('content-security-policy'), framework).toBeTruthy()
      }
      expect(installed.express.length).toBeGreaterThan(2)
      expect(installed.fastify).toEqual(installed.express)
      const tableOrder = PIPELINE.map((step) => step.name).filter((name) => installed.express.includes(name))
      expect(installed.express).toEqual(tableOrder)
      // Not enumerable: `{ ...kit }` and console.log(kit) stay as documented.
      expect(Object.keys(started[0]!.kit)).not.toContain(INSTALLED_STEPS)
    })
  }

  it('puts every request step in one router layer on Express', async () => {
    const kit = await startKit('express', CONFIGS['everything but Sentry']!, hello('express'))
    started.push(kit)
    const kitLayers = kit.app.router.stack.filter((layer: { name: string }) => layer.name.startsWith('kit'))
    expect(kitLayers.map((layer: { name: string }) => layer.name)).toEqual(['kitPipeline'])
  })

  it('chains the hook steps on Fastify into one onRequest hook per run between plugins (one with the defaults)', async () => {
    const kit = await startKit('fastify', {}, hello('fastify'))
    started.push(kit)
    const hooksKey = Object.getOwnPropertySymbols(kit.app).find((s) => s.description === 'fastify.hooks')!
    const names: string[] = kit.app[hooksKey].onRequest.map((hook: { name: string }) => hook.name)
    // Defaults: every step from the logger to the body limits is a hook form, so all run in one hook.
    expect(names).toEqual(['kitPipeline'])
  })
})

describe('the Express dispatcher keeps what a router layer does for its middleware', () => {
  async function serve(steps: Parameters<typeof composite>[0]): Promise<{ url: string; close(): void }> {
    const app = express()
    app.use(composite(steps))
    app.get('/', (_req, res) => {
      res.json({ reached: true })
    })
    app.use((error: Error, _req: unknown, res: any, _next: unknown) => {
      res.status(500).json({ caught: error.message })
    })
    const server = app.listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() }
  }
  const pass = (_req: unknown, _res: unknown, next: () => void) => next()

  it.each([
    [
      'a throw',
      () => {
        throw new Error('thrown')
      },
      'thrown',
    ],
    [
      'a rejected promise',
      async () => {
        throw new Error('rejected')
      },
      'rejected',
    ],
    [
      'next(error)',
      (_q: unknown, _s: unknown, next: (e: Error) => void) => next(new Error('passed')),
      'passed',
    ],
  ])('sends %s to the app error handler', async (_label, failing, message) => {
    const running = await serve([pass, failing, pass])
    const res = await fetch(running.url)
    expect(await res.json()).toEqual({ caught: message })
    running.close()
  })

  it('reaches the routes after the last step, and stops where a step answers', async () => {
    const through = await serve([pass, pass])
    expect(await (await fetch(through.url)).json()).toEqual({ reached: true })
    through.close()
    const answering = await serve([pass, (_req: unknown, res: any) => res.status(204).end(), pass])
    expect((await fetch(answering.url)).status).toBe(204)
    answering.close()
  })
})

describe('the Fastify chain keeps what the hook runner does for each hook', () => {
  it('passes an error to the error handler, and stops where a hook answers', async () => {
    const app = Fastify()
    const pass = (_request: unknown, _reply: unknown, next: () => void) => next()
    app.addHook(
      'onRequest',
      chain([
        pass,
        (request: any, reply: any, next: (error?: Error) => void) => {
          if (request.url === '/fail') next(new Error('passed'))
          else if (request.url === '/answer') reply.code(204).send()
          else next()
        },
        pass,
      ]),
    )
    app.setErrorHandler((error, _request, reply) => {
      reply.code(500).send({ caught: (error as Error).message })
    })
    app.get('/*', async () => ({ reached: true }))
    await app.listen({ port: 0, host: '127.0.0.1' })
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
    expect(await (await fetch(`${url}/fail`)).json()).toEqual({ caught: 'passed' })
    expect((await fetch(`${url}/answer`)).status).toBe(204)
    expect(await (await fetch(`${url}/route`)).json()).toEqual({ reached: true })
    await app.close()
  })
})
