import { addKnownSecret } from '@kit/internal'
import { MemoryStream } from '@kit/test-utils'
import { describe, expect, it } from 'vitest'
import type { KitConfig } from '../src/config/types.ts'
import { rawRequest } from './helpers/raw-request.ts'
import { startKit } from './helpers/start-kit.ts'

// Regression tests for issue 17 (an attack run on both examples): each finding, on both frameworks,
// through real sockets. Requests come from 127.0.0.1, a private address, as from a proxy with TRUST_PROXY=1.

const production = {
  NODE_ENV: 'production',
  APP_URL: 'https://example.com',
  TRUST_PROXY: '1',
  MAIL_PROVIDER: 'memory',
  MAIL_FROM: 'App <app@example.com>',
  METRICS_TOKEN: 'metrics-token-for-the-attack-run-test',
}
const viaProxy = {
  'x-forwarded-proto': 'https',
  'x-forwarded-host': 'example.com',
  'x-forwarded-for': '203.0.113.7',
}
const FORM = 'application/x-www-form-urlencoded'

function routes(framework: 'express' | 'fastify') {
  return (app: any) => {
    if (framework === 'express') {
      app.get('/api/hello', (_req: unknown, res: any) => res.json({ ok: true }))
      app.post('/auth/login', (_req: unknown, res: any) => res.status(401).json({ ok: false }))
      app.post('/webhooks/in', (_req: unknown, res: any) => res.json({ ok: true }))
    } else {
      app.get('/api/hello', async () => ({ ok: true }))
      app.post('/auth/login', async (_req: unknown, reply: any) => reply.code(401).send({ ok: false }))
      app.post('/webhooks/in', async () => ({ ok: true }))
    }
  }
}

async function start(framework: 'express' | 'fastify', config: KitConfig = {}) {
  const logs = new MemoryStream()
  const started = await startKit(
    framework,
    { ...config, envSource: { ...production, ...config.envSource }, logger: { destination: logs } },
    routes(framework),
  )
  return { ...started, logs }
}

describe.each(['express', 'fastify'] as const)('issue 17 attack run on %s', (framework) => {
  it('counts absolute-form login targets (any scheme, user info, port) in the auth tier', async () => {
    const { url, close } = await start(framework, { rateLimit: { routes: { '/auth': 'auth' } } })
    const targets = [
      'http://example.com/auth/login',
      'https://evil.io/auth/login',
      'HTTP://u@example.com/auth/login',
      'http://u:p@example.com:81/auth/login?x=1',
      'http://[::1]:80/auth/login',
      '/auth/login',
    ]
    const statuses: number[] = []
    for (const target of targets) {
      const res = await rawRequest(url, 'POST', target, { ...viaProxy, 'content-type': FORM }, 'a=1')
      statuses.push(res.status)
    }
    // The auth tier allows 5 a minute: the sixth attempt, whatever its spelling, is refused.
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429])
    await close()
  })

  it('locks an account after failed logins sent as absolute-form targets', async () => {
    const { url, close } = await start(framework, {
      rateLimit: { tiers: { auth: { perMinute: 1000 } }, bruteForce: { perAccount: 3 } },
    })
    const statuses: number[] = []
    for (const target of [
      'http://example.com/auth/login',
      'https://x/auth/login',
      'http://u@h/auth/login',
      '/auth/login',
    ]) {
      const res = await rawRequest(
        url,
        'POST',
        target,
        { ...viaProxy, 'content-type': FORM },
        'email=victim%40example.com',
      )
      statuses.push(res.status)
    }
    expect(statuses).toEqual([401, 401, 401, 429])
    await close()
  })

  it('labels metrics and logs the routed path, never the raw absolute-form target', async () => {
    const { url, close, logs } = await start(framework, { metrics: {} })
    const res = await rawRequest(url, 'GET', 'http://user:pw@evil.example/api/hello?q=1', viaProxy)
    expect(res.status).toBe(200)
    const metrics = await (
      await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${production.METRICS_TOKEN}` } })
    ).text()
    expect(metrics).toMatch(/route="\/api\/hello"/)
    expect(metrics).not.toContain('evil.example')
    const line = logs.lines().find((l) => l.msg === 'request completed' && l.route === '/api/hello')
    expect(line?.path).toBe('/api/hello')
    expect(logs.text()).not.toContain('user:pw')
    await close()
  })

  it('shows health details and metrics to private-network probes only under an IP, localhost or app Host', async () => {
    const { url, close } = await start(framework, { metrics: { token: undefined } as never })
    const port = new URL(url).port
    const details = async (target: string, host: string) => {
      const res = await rawRequest(url, 'GET', target, { host })
      return { status: res.status, details: res.body.includes('"checks"') }
    }
    // DNS rebinding: the attacker's name resolving to this private address.
    expect(await details('/health', 'rebind.attacker.test')).toMatchObject({ details: false })
    expect(await details('http://rebind.attacker.test/health', 'rebind.attacker.test')).toMatchObject({
      details: false,
    })
    expect((await details('/metrics', 'rebind.attacker.test')).status).not.toBe(200)
    expect((await details('http://rebind.attacker.test/metrics', 'rebind.attacker.test')).status).not.toBe(
      200,
    )
    // Probes by address or localhost, or naming the app's own host.
    expect(await details('/health', `127.0.0.1:${port}`)).toMatchObject({ details: true })
    expect(await details('/health', `localhost:${port}`)).toMatchObject({ details: true })
    expect(await details('/health', 'example.com')).toMatchObject({ details: true })
    expect((await details('/metrics', `127.0.0.1:${port}`)).status).toBe(200)
    await close()
  })

  it('refuses a cross-site login post without cookies (login CSRF), and lets opted-out routes through', async () => {
    const { url, close } = await start(framework, { security: { csrf: { exempt: ['/webhooks/*'] } } })
    const crossSite = {
      ...viaProxy,
      'content-type': FORM,
      'sec-fetch-site': 'cross-site',
      'sec-fetch-mode': 'navigate',
      origin: 'https://evil.io',
    }
    const body = 'email=attacker%40evil.io&password=x'
    expect((await rawRequest(url, 'POST', '/auth/login', crossSite, body)).status).toBe(403)
    expect((await rawRequest(url, 'POST', 'http://example.com/auth/login', crossSite, body)).status).toBe(403)
    expect(
      (await rawRequest(url, 'POST', '/auth/login', { ...crossSite, 'sec-fetch-site': 'bogus' }, body))
        .status,
    ).toBe(403)
    // The opt-out, in every request-target form.
    expect((await rawRequest(url, 'POST', '/webhooks/in', crossSite, body)).status).toBe(200)
    expect((await rawRequest(url, 'POST', 'http://example.com/webhooks/in', crossSite, body)).status).toBe(
      200,
    )
    // Same-origin browsers, and clients without Fetch Metadata (servers, webhooks), keep today's rules.
    const sameOrigin = { ...crossSite, 'sec-fetch-site': 'same-origin', origin: 'https://example.com' }
    expect((await rawRequest(url, 'POST', '/auth/login', sameOrigin, body)).status).toBe(401)
    const server = { ...viaProxy, 'content-type': FORM }
    expect((await rawRequest(url, 'POST', '/auth/login', server, body)).status).toBe(401)
    await close()
  })

  it('rate-limits the CSP report endpoint in its own tier', async () => {
    const { url, close } = await start(framework)
    const report = JSON.stringify({
      'csp-report': {
        'document-uri': 'https://example.com/',
        'violated-directive': 'script-src',
        'blocked-uri': 'inline',
      },
    })
    const statuses: number[] = []
    for (let i = 0; i < 31; i++) {
      const res = await fetch(`${url}/_kit/csp-report`, {
        method: 'POST',
        headers: { ...viaProxy, 'content-type': 'application/csp-report' },
        body: report,
      })
      statuses.push(res.status)
    }
    expect(statuses.slice(0, 30).every((s) => s === 204)).toBe(true)
    expect(statuses[30]).toBe(429)
    await close()
  })

  it('gives one rate-limit bucket to every spelling of a forwarded client address', async () => {
    const { url, close } = await start(framework, { rateLimit: { tiers: { global: { perMinute: 4 } } } })
    const spellings = [
      '198.20.0.9',
      '198.20.0.9:1234',
      '[::ffff:198.20.0.9]',
      '198.020.000.009',
      '::ffff:c614:9',
    ]
    const statuses: number[] = []
    for (const address of spellings) {
      const res = await fetch(`${url}/api/hello`, { headers: { ...viaProxy, 'x-forwarded-for': address } })
      statuses.push(res.status)
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429])
    await close()
  })

  it('scrubs known secrets a client puts in the path or the User-Agent out of the request line', async () => {
    const secret = `attack-run-known-secret-${framework}-5f1c2a`
    addKnownSecret(secret)
    const { url, close, logs } = await start(framework)
    await fetch(`${url}/api/${secret}`, { headers: { ...viaProxy, 'user-agent': `curl/8 ${secret}` } })
    await rawRequest(url, 'GET', `http://example.com/x/${encodeURIComponent(secret)}`, viaProxy)
    await close()
    expect(logs.text()).toContain('[REDACTED]')
    expect(logs.text()).not.toContain(secret)
  })

  it('sets server timeouts and cuts a client that never finishes its headers', async () => {
    const defaults = await start(framework)
    expect(defaults.server.headersTimeout).toBe(15_000)
    expect(defaults.server.requestTimeout).toBe(30_000)
    // Longer than Heroku Router 2.0's 90 s idle timeout (and AWS ALB's 60 s).
    expect(defaults.server.keepAliveTimeout).toBe(100_000)
    await defaults.close()
    const { url, server, close } = await start(framework, {
      server: { headersTimeoutMs: 500, requestTimeoutMs: 1000, keepAliveTimeoutMs: 95_000 },
    })
    expect(server.keepAliveTimeout).toBe(95_000)
    const { connect } = await import('node:net')
    const { hostname, port } = new URL(url)
    const closed = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), hostname, () =>
        socket.write('GET /api/hello HTTP/1.1\r\nHost: x\r\n'),
      )
      let response = ''
      socket.on('data', (chunk) => {
        response += chunk
      })
      socket.on('close', () => resolve(response))
      socket.on('error', () => {})
    })
    // Node checks timeouts every 30 s: the socket is closed (408) within a minute, never after Node's 300 s.
    expect(closed).toMatch(/^HTTP\/1\.1 408|^$/)
    await close()
  }, 90_000)
})
