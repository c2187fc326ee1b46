import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EnvelopeServer, startEnvelopeServer } from './helpers/envelope-server.ts'
import { type Framework, type RunningFixture, startFixture } from './helpers/fixture.ts'

// The preload runs but finds no SENTRY_DSN (say it lives in a .env file the
// app loads later); the app then calls initSentry() itself with the DSN, after
// importing its framework, and opts in to more data than kit sends by default.
const OPT_IN = {
  collect: {
    cookies: true,
    queryStrings: true,
    requestBodies: true,
    requestHeaders: ['x-note', 'authorization'],
  },
}

describe.each<Framework>(['express', 'fastify'])('%s app that calls initSentry() itself', (framework) => {
  let sentry: EnvelopeServer
  let app: RunningFixture

  beforeAll(async () => {
    sentry = await startEnvelopeServer()
    app = await startFixture(framework, {
      env: { KIT_TEST_INIT_IN_APP: JSON.stringify({ dsn: sentry.dsn, ...OPT_IN }) },
    })
  })

  afterAll(async () => {
    await app?.stop()
    await sentry?.close()
  })

  it('gets an init-order warning naming the framework and the Procfile fix', () => {
    const warning = /init-order: (.*)/.exec(app.proc.stdout())?.[1]
    expect(warning).toContain(`Sentry was initialised after ${framework} was imported`)
    expect(warning).toContain('web: node --import @kit/sentry/instrument dist/app.js')
  })

  it('still sends 5xx with the request id (kit captures them, not the instrumentation)', async () => {
    const res = await fetch(`${app.url}/boom`, { signal: AbortSignal.timeout(10_000) })
    expect(res.status).toBe(500)
    const requestId = res.headers.get('x-request-id')
    await expect(sentry.waitForEvent((e) => e.tags?.request_id === requestId)).resolves.toBeDefined()
  })

  it('sends the opted-in cookies, query string, body and headers, with secrets still redacted', async () => {
    const secret = `secret${randomBytes(12).toString('hex')}`
    const res = await fetch(`${app.url}/canary?page=2&token=${secret}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-canary': secret,
        'x-note': 'visible-header',
        authorization: `Bearer ${secret}`,
        cookie: `theme=dark; sid=${secret}`,
      },
      body: JSON.stringify({ note: 'visible-body', password: secret }),
      signal: AbortSignal.timeout(10_000),
    })
    expect(res.status).toBe(500)
    const requestId = res.headers.get('x-request-id')
    await app.flush()

    const { request } = await sentry.waitForEvent((e) => e.tags?.request_id === requestId)
    expect(request.query_string).toContain('page=2')
    expect(request.cookies.theme).toBe('dark')
    expect(request.headers['x-note']).toBe('visible-header')
    expect(JSON.stringify(request.data)).toContain('visible-body')
    expect(sentry.allText()).not.toContain(secret)
  })
})
