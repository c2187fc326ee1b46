import { captureRequestError } from '@kit/sentry'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EnvelopeServer, startEnvelopeServer } from '../../sentry/test/helpers/envelope-server.ts'
import { type StartedKit, startKit } from './helpers/start-kit.ts'

// productionize() with SENTRY_DSN and tracing off: @kit/sentry runs the SDK
// errors-only (no per-request SDK work), and kit's own request context (the
// logger's request id and async context) is what ties events and breadcrumbs
// to requests. Both apps live in this process and share the one Sentry client,
// so they are shut down together at the end (shutdown closes the client).
const REQUESTS = 4
let sentry: EnvelopeServer
const kits: Partial<Record<'express' | 'fastify', StartedKit>> = {}

beforeAll(async () => {
  process.env.no_proxy = '127.0.0.1'
  sentry = await startEnvelopeServer()
  for (const framework of ['express', 'fastify'] as const) {
    // Load shedding off: on a busy machine it would answer 503 before the route runs.
    const config = { envSource: { SENTRY_DSN: sentry.dsn }, health: { loadShedding: false as const } }
    kits[framework] = await startKit(framework, config, (app) => {
      app.get('/boom', async (req: { id: string }) => {
        console.log(`working on ${req.id}`)
        await new Promise((resolve) => setImmediate(resolve))
        throw new Error('database is down')
      })
      // The app reports a failure itself, answering 200: no request id given.
      app.get('/report', (req: { id: string }, res: { send(body: string): void }) => {
        console.log(`reporting for ${req.id}`)
        captureRequestError(new Error('payment webhook retried'))
        res.send('ok')
      })
    })
  }
})

afterAll(async () => {
  for (const kit of Object.values(kits)) await kit?.close()
  await sentry?.close()
})

describe.each(['express', 'fastify'] as const)(
  'productionize(%s) with SENTRY_DSN, tracing off',
  (framework) => {
    it(`sends ${REQUESTS} identical errors from concurrent requests as ${REQUESTS} events, each with its own request id and its own breadcrumbs`, async () => {
      const url = kits[framework]?.url
      const responses = await Promise.all(
        Array.from({ length: REQUESTS }, () => fetch(`${url}/boom`, { signal: AbortSignal.timeout(10_000) })),
      )
      expect(responses.map((r) => r.status)).toEqual(Array(REQUESTS).fill(500))
      const ids = responses.map((r) => r.headers.get('x-request-id') ?? '')
      expect(new Set(ids).size).toBe(REQUESTS)

      for (const id of ids) {
        const event = await sentry.waitForEvent((e) => e.tags?.request_id === id)
        expect(event.exception.values[0].value).toBe('database is down')
        expect(event.request).toMatchObject({ method: 'GET', url: `${url}/boom` })
        const lines = (event.breadcrumbs ?? []).map((b: { message?: string }) => b.message)
        expect(lines.filter((m: string | undefined) => m?.startsWith('working on'))).toEqual([
          `working on ${id}`,
        ])
        expect(JSON.stringify(event.breadcrumbs ?? [])).not.toContain('kit.request_id')
      }
    })

    it('tags an event the app captures inside a request with that request id', async () => {
      const url = kits[framework]?.url
      const res = await fetch(`${url}/report`, { signal: AbortSignal.timeout(10_000) })
      const id = res.headers.get('x-request-id')
      const event = await sentry.waitForEvent(
        (e) => e.tags?.request_id === id && e.exception?.values?.[0]?.value === 'payment webhook retried',
      )
      const lines = (event.breadcrumbs ?? []).map((b: { message?: string }) => b.message)
      expect(lines).toContain(`reporting for ${id}`)
    })
  },
)
