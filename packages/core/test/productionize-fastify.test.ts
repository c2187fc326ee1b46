import { type ListeningApp, MemoryStream } from '@kit/test-utils'
import Fastify from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { productionize } from '../src/index.ts'
import { startKit } from './helpers/start-kit.ts'

const CANARY = 'canary-secret-7f3a9c1e5b'

describe('productionize(fastify)', () => {
  let running: ListeningApp | undefined
  afterEach(async () => {
    await running?.close()
    running = undefined
  })

  it('refuses to start on bad env with one error listing every problem, and installs nothing', async () => {
    const app = Fastify()
    const error = (await productionize(app, {
      envSource: {
        NODE_ENV: 'production',
        PORT: 'eighty',
        APP_URL: 'http://insecure.example.com',
        SENDGRID_API_KEY: CANARY,
        MAIL_PROVIDER: 'sendgrid',
      },
    }).then(
      () => undefined,
      (e: unknown) => e,
    )) as Error & { code: string }
    expect(error.code).toBe('KIT_ENV_INVALID')
    expect(error.message).toMatch(/PORT/)
    expect(error.message).toMatch(/APP_URL/)
    expect(error.message).toMatch(/MAIL_FROM/)
    expect(error.message).not.toContain(CANARY)
    // Nothing was registered: the instance still boots with no kit hook.
    await app.ready()
    expect(app.hasPlugin('@kit/logger')).toBe(false)
    await app.close()
  })

  it('carries the request id from the header to the response and every log line of the request', async () => {
    const logs = new MemoryStream()
    const { kit, app, url, close } = await startKit(
      'fastify',
      { logger: { destination: logs } },
      (app, kit) => {
        app.get('/work', async () => {
          await new Promise((r) => setTimeout(r, 5))
          kit.log.info('deep inside the handler')
          return { ok: true }
        })
      },
    )
    running = { url, port: 0, close }
    void app
    const res = await fetch(`${url}/work`, { headers: { 'x-request-id': 'req-abc.123' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-request-id')).toBe('req-abc.123')
    const lines = logs.lines().filter((l) => l.reqId === 'req-abc.123')
    expect(lines.map((l) => l.msg)).toEqual(['deep inside the handler', 'request completed'])
    expect(lines[1]).toMatchObject({ method: 'GET', path: '/work', status: 200 })
    void kit
  })

  it('never writes a secret from a header, body field or query string to the log', async () => {
    const logs = new MemoryStream()
    const { url, close } = await startKit('fastify', { logger: { destination: logs } }, (app, kit) => {
      app.post('/login', async (req: { body: unknown; headers: unknown }) => {
        kit.log.info({ body: req.body, headers: req.headers }, 'login attempt')
        return { ok: true }
      })
    })
    running = { url, port: 0, close }
    await fetch(`${url}/login?token=${CANARY}&api_key=${CANARY}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${CANARY}`,
        cookie: `session=${CANARY}`,
        'x-api-key': CANARY,
      },
      body: JSON.stringify({ email: 'a@example.com', password: CANARY }),
    })
    const text = logs.text()
    expect(text).toContain('login attempt')
    expect(text).toContain('a@example.com')
    expect(text).not.toContain(CANARY)
  })

  it('answers errors in production without stack traces or internal messages, with the request id', async () => {
    const { url, close } = await startKit(
      'fastify',
      // Behind one proxy hop that terminated TLS for example.com, as on Heroku.
      { envSource: { NODE_ENV: 'production', APP_URL: 'https://example.com', TRUST_PROXY: '1' } },
      (app) => {
        app.get('/boom', async () => {
          throw new Error('db password is hunter2 at /srv/app/src/db.ts:12:5')
        })
      },
    )
    running = { url, port: 0, close }
    const proxied = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'example.com' }
    const json = await fetch(`${url}/boom`, { headers: proxied })
    expect(json.status).toBe(500)
    const body = await json.json()
    expect(body).toEqual({
      error: {
        status: 500,
        title: 'Internal Server Error',
        message: 'Internal Server Error',
        requestId: json.headers.get('x-request-id'),
      },
    })
    const html = await fetch(`${url}/boom`, { headers: { ...proxied, accept: 'text/html' } })
    const page = await html.text()
    expect(html.headers.get('content-type')).toMatch(/text\/html/)
    expect(page).not.toMatch(/hunter2|db\.ts|at /)
    expect(page).toContain(html.headers.get('x-request-id')!)
  })

  it('answers unknown routes with a 404 in JSON or HTML', async () => {
    const { url, close } = await startKit('fastify', {})
    running = { url, port: 0, close }
    const res = await fetch(`${url}/nope?x=1`)
    expect(res.status).toBe(404)
    expect(((await res.json()) as any).error.status).toBe(404)
    expect(res.headers.get('x-powered-by')).toBeNull()
  })

  it('refuses a Fastify instance created without kit options when TRUST_PROXY is set', async () => {
    const error = (await productionize(Fastify(), { envSource: { NODE_ENV: 'test', TRUST_PROXY: '1' } }).then(
      () => undefined,
      (e: unknown) => e,
    )) as { code: string; message: string }
    expect(error.code).toBe('KIT_CORE_FASTIFY_OPTIONS_MISSING')
    expect(error.message).toContain('Fastify(fastifyOptions(config))')
  })

  it('does not let a spoofed X-Forwarded-For from an untrusted peer change req.ip', async () => {
    const cases = [
      [{}, '127.0.0.1'],
      [{ TRUST_PROXY: '1' }, '203.0.113.9'],
      [{ TRUST_PROXY: '10.0.0.0/8' }, '127.0.0.1'],
      [{ TRUST_PROXY: 'loopback' }, '203.0.113.9'],
    ] as const
    for (const [envSource, expected] of cases) {
      const { url, close } = await startKit('fastify', { envSource }, (app) => {
        app.get('/ip', async (req: { ip: string }) => ({ ip: req.ip }))
      })
      const res = await fetch(`${url}/ip`, { headers: { 'x-forwarded-for': '203.0.113.9' } })
      expect(((await res.json()) as any).ip, JSON.stringify(envSource)).toBe(expected)
      await close()
    }
  })
})
