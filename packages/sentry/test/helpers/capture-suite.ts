import { randomBytes, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EnvelopeServer, startEnvelopeServer } from './envelope-server.ts'
import { exitWithin, type Framework, type RunningFixture, startFixture } from './fixture.ts'

const get = (url: string, init: RequestInit = {}) =>
  fetch(url, { ...init, signal: AbortSignal.timeout(10_000) })

/**
 * The end-to-end contract, run once per framework: a real app process
 * preloaded with `--import @kit/sentry/instrument`, posting real envelopes
 * to a local Sentry stand-in. The tests share one process and run in order;
 * the last one shuts it down with SIGTERM.
 */
export function describeCapture(framework: Framework): void {
  describe.each([
    ['tracing on', '1'],
    ['tracing off (errors-only)', '0'],
  ])(`${framework} app preloaded with @kit/sentry/instrument, %s`, (_mode, rate) => {
    const commit = randomBytes(20).toString('hex')
    let sentry: EnvelopeServer
    let app: RunningFixture

    beforeAll(async () => {
      sentry = await startEnvelopeServer()
      app = await startFixture(framework, {
        env: {
          SENTRY_DSN: sentry.dsn,
          SENTRY_ENVIRONMENT: 'staging',
          // With tracing on, the canary check covers spans too.
          SENTRY_TRACES_SAMPLE_RATE: rate,
          HEROKU_SLUG_COMMIT: commit,
        },
      })
    })

    afterAll(async () => {
      await app?.stop()
      await sentry?.close()
    })

    it('reports the initialisation order as right', () => {
      expect(app.proc.stdout()).toContain('init-order: ok')
    })

    it('sends a thrown 500 tagged with the request id, the release and the environment', async () => {
      const res = await get(`${app.url}/boom`)
      expect(res.status).toBe(500)
      const requestId = res.headers.get('x-request-id')
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/)

      const event = await sentry.waitForEvent((e) => e.tags?.request_id === requestId)
      expect(event.exception.values[0]).toMatchObject({ type: 'Error', value: 'database is down' })
      expect(event.tags['http.status_code']).toBe(500)
      expect(event.release).toBe(commit)
      expect(event.environment).toBe('staging')
      expect(event.request).toMatchObject({ method: 'GET', url: `${app.url}/boom` })
    })

    it('does not send a 400, a thrown 404 or an unmatched route', async () => {
      const ids: string[] = []
      for (const [path, status] of [
        ['/bad-request', 400],
        ['/not-found', 404],
        ['/no-such-route', 404],
      ] as const) {
        const res = await get(`${app.url}${path}`)
        expect(res.status).toBe(status)
        ids.push(res.headers.get('x-request-id') ?? '')
      }
      await app.flush()
      expect(sentry.events().filter((e) => ids.includes(e.tags?.request_id))).toEqual([])
      const values = sentry.events().flatMap((e) => e.exception?.values ?? [])
      expect(values.filter((v: { value?: string }) => v.value?.startsWith('client error'))).toEqual([])
    })

    it('keeps a canary secret out of every envelope: header, cookie, query, body, message, log line', async () => {
      const canary = `canary${randomBytes(12).toString('hex')}`
      const res = await get(`${app.url}/canary?q=${canary}&token=${canary}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-canary': canary,
          'x-api-key': canary,
          authorization: `Bearer ${canary}`,
          cookie: `sid=${canary}; theme=${canary}`,
        },
        body: JSON.stringify({ password: canary, note: canary }),
      })
      expect(res.status).toBe(500)
      const requestId = res.headers.get('x-request-id')
      await app.flush()

      const event = await sentry.waitForEvent((e) => e.tags?.request_id === requestId)
      expect(event.exception.values[0].value).toBe('payment API refused password=[REDACTED]')
      const logLine = event.breadcrumbs.find((b: { message?: string }) =>
        b.message?.startsWith('calling the payment API'),
      )
      expect(logLine.message).toContain('[REDACTED]')
      // With tracing on, spans were sent too, so the check below covers them.
      const spans = sentry.envelopes.some((e) => e.items.some((i) => i.header.type === 'span'))
      expect(spans).toBe(rate === '1')
      expect(sentry.allText()).not.toContain(canary)
    })

    it('delivers an error thrown right before SIGTERM before the process exits', {
      timeout: 90_000,
    }, async () => {
      // A fresh process, whose first request throws and signals its own
      // process in the same tick: the event is still being prepared (source
      // lines read from disk, first connection to Sentry) when the SIGTERM
      // handler runs, so only the shutdown hook's close() gets it out.
      const fresh = await startFixture(framework, {
        env: { SENTRY_DSN: sentry.dsn, SENTRY_TRACES_SAMPLE_RATE: rate },
      })
      try {
        const requestId = randomUUID()
        await get(`${fresh.url}/boom-then-sigterm`, { headers: { 'x-request-id': requestId } }).catch(
          () => {},
        )
        const exit = await exitWithin(fresh.proc, 15_000)
        expect(exit.code).toBe(0)
        expect(fresh.proc.stdout()).toContain('shutdown flushed=true')
        // Already there when the process is gone: no waiting after exit.
        expect(sentry.events().some((e) => e.tags?.request_id === requestId)).toBe(true)
      } finally {
        await fresh.stop()
      }
    })
  })
}
