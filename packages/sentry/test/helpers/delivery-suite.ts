import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EnvelopeServer, startEnvelopeServer } from './envelope-server.ts'
import { type Framework, PACKAGE_DIR, type RunningFixture, startFixture } from './fixture.ts'

const PRELOAD_WITH_OPTIONS = ['--import', './test/fixtures/instrument-with-options.ts']
const REQUESTS = 5

/**
 * Issue 20, end to end against the local ingest, on one framework, with
 * tracing off (errors-only mode) and on (the full SDK): every request's 5xx
 * arrives with its own request id (the SDK's Dedupe would keep one), frames
 * keep the app's paths although PWD is set (it used to be registered as a
 * secret), release and server_name survive, and with `requestHeaders: true`
 * a Referer's query string is in no field of any envelope.
 */
export function describeDelivery(framework: Framework): void {
  describe.each([
    ['tracing off (errors-only)', '0'],
    ['tracing on (full SDK)', '1'],
  ])(`${framework} app, %s`, (_mode, rate) => {
    const commit = randomBytes(20).toString('hex')
    const marker = `q${randomBytes(8).toString('hex')}`
    let sentry: EnvelopeServer
    let app: RunningFixture
    let ids: string[] = []

    beforeAll(async () => {
      sentry = await startEnvelopeServer()
      app = await startFixture(framework, {
        env: {
          SENTRY_DSN: sentry.dsn,
          SENTRY_TRACES_SAMPLE_RATE: rate,
          RENDER_GIT_COMMIT: commit,
          // The shell sets PWD to the app's directory; it must not become a secret.
          PWD: PACKAGE_DIR.replace(/\/$/, ''),
          KIT_TEST_SENTRY_OPTIONS: JSON.stringify({ collect: { requestHeaders: true } }),
        },
        execArgv: PRELOAD_WITH_OPTIONS,
      })
      // Identical errors, one per request, sent together.
      const responses = await Promise.all(
        Array.from({ length: REQUESTS }, () =>
          fetch(`${app.url}/boom`, {
            headers: { referer: `https://shop.test/cart?coupon=${marker}&x=${marker}#${marker}` },
            signal: AbortSignal.timeout(15_000),
          }),
        ),
      )
      ids = responses.map((res) => res.headers.get('x-request-id') ?? '')
      expect(responses.map((res) => res.status)).toEqual(Array(REQUESTS).fill(500))
      await app.flush()
    })

    afterAll(async () => {
      await app?.stop()
      await sentry?.close()
    })

    it(`delivers ${REQUESTS} identical errors from ${REQUESTS} requests as ${REQUESTS} events, each with its request id`, async () => {
      const events = await Promise.all(ids.map((id) => sentry.waitForEvent((e) => e.tags?.request_id === id)))
      expect(new Set(ids).size).toBe(REQUESTS)
      expect(events.map((e) => e.exception.values[0].value)).toEqual(Array(REQUESTS).fill('database is down'))
      const boomEvents = sentry.events().filter((e) => e.exception?.values?.[0]?.value === 'database is down')
      expect(boomEvents).toHaveLength(REQUESTS)
    })

    it('keeps the in-app frame paths, the release and server_name', async () => {
      const event = await sentry.waitForEvent((e) => e.tags?.request_id === ids[0])
      const frames: { filename?: string; in_app?: boolean }[] = event.exception.values[0].stacktrace.frames
      const appFrame = frames.find((f) => f.filename?.endsWith(`test/fixtures/${framework}-app.ts`))
      expect(appFrame, JSON.stringify(frames.slice(-3))).toBeDefined()
      expect(appFrame?.filename).toBe(`${PACKAGE_DIR}test/fixtures/${framework}-app.ts`)
      expect(appFrame?.in_app).toBe(true)
      expect(JSON.stringify(frames)).not.toContain('[REDACTED]')
      expect(event.release).toBe(commit)
      expect(event.server_name).toBe(hostname())
    })

    it('cuts the Referer query string out of every field (requestHeaders: true)', async () => {
      const event = await sentry.waitForEvent((e) => e.tags?.request_id === ids[0])
      expect(event.request.headers.referer).toBe('https://shop.test/cart')
      if (rate === '1') {
        await expect
          .poll(() => sentry.allText().includes('http.request.header.referer'), { timeout: 10_000 })
          .toBe(true)
      }
      expect(sentry.allText()).not.toContain(marker)
    })
  })

  describe(`${framework} app on each platform`, () => {
    let sentry: EnvelopeServer
    beforeAll(async () => {
      sentry = await startEnvelopeServer()
    })
    afterAll(async () => {
      await sentry?.close()
    })

    // Heroku and Render are covered above and in capture-suite.ts; Fly.io's was missing.
    it.each([
      ['FLY_IMAGE_REF', 'registry.fly.io/shop:deployment-01J2ABCD', 'deployment-01J2ABCD'],
      ['RAILWAY_GIT_COMMIT_SHA', 'a0b1c2d3e4', 'a0b1c2d3e4'],
      ['HEROKU_BUILD_COMMIT', 'f5e6d7c8b9', 'f5e6d7c8b9'],
      ['SOURCE_VERSION', '9a8b7c6d5e', '9a8b7c6d5e'],
    ])('sets the release from %s', { timeout: 90_000 }, async (name, value, release) => {
      const app = await startFixture(framework, { env: { SENTRY_DSN: sentry.dsn, [name]: value } })
      try {
        const res = await fetch(`${app.url}/boom`, { signal: AbortSignal.timeout(15_000) })
        const id = res.headers.get('x-request-id')
        const event = await sentry.waitForEvent((e) => e.tags?.request_id === id)
        expect(event.release).toBe(release)
      } finally {
        await app.stop()
      }
    })
  })
}
