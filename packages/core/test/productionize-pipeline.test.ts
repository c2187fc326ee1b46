import { describe, expect, it } from 'vitest'
import { startKit } from './helpers/start-kit.ts'

const production = {
  NODE_ENV: 'production',
  APP_URL: 'https://example.com',
  TRUST_PROXY: '1',
  ALLOWED_ORIGINS: 'https://app.example.com',
  MAIL_PROVIDER: 'memory',
  MAIL_FROM: 'App <app@example.com>',
}
const viaProxy = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'example.com' }

function routes(framework: 'express' | 'fastify') {
  return (app: any) => {
    if (framework === 'express') {
      app.get('/api/hello', (_req: unknown, res: any) => res.json({ nonce: res.locals.cspNonce }))
      app.post('/auth/login', (_req: unknown, res: any) => res.status(401).json({ ok: false }))
      app.post('/api/echo', (req: any, res: any) => res.json(req.body))
    } else {
      app.get('/api/hello', async (_req: unknown, reply: any) => ({ nonce: reply.cspNonce }))
      app.post('/auth/login', async (_req: unknown, reply: any) => reply.code(401).send({ ok: false }))
      app.post('/api/echo', async (req: any) => req.body)
    }
  }
}

describe.each(['express', 'fastify'] as const)('the DESIGN §6 pipeline on %s', (framework) => {
  it('redirects plain HTTP to HTTPS, but never health routes', async () => {
    const { url, close } = await startKit(framework, { envSource: production }, routes(framework))
    const plain = await fetch(`${url}/api/hello?x=1`, {
      redirect: 'manual',
      headers: { 'x-forwarded-host': 'example.com' },
    })
    expect(plain.status).toBe(301)
    expect(plain.headers.get('location')).toBe('https://example.com/api/hello?x=1')
    expect((await fetch(`${url}/health/live`)).status).toBe(200)
    expect((await fetch(`${url}/up`)).status).toBe(200)
    await close()
  })

  it('refuses unknown hosts with 421 before the app, but answers health checks from any host', async () => {
    const { url, close } = await startKit(framework, { envSource: production }, routes(framework))
    const rebinding = await fetch(`${url}/api/hello`, {
      headers: { ...viaProxy, 'x-forwarded-host': 'attacker.test' },
    })
    expect(rebinding.status).toBe(421)
    expect(
      (await fetch(`${url}/health/ready`, { headers: { 'x-forwarded-host': 'attacker.test' } })).status,
    ).toBe(200)
    await close()
  })

  it('sends security headers with a per-request nonce and HSTS on HTTPS responses', async () => {
    const { url, close } = await startKit(
      framework,
      { envSource: production, csp: { 'connect-src': ["'self'", 'wss:'] } },
      routes(framework),
    )
    const a = await fetch(`${url}/api/hello`, { headers: viaProxy })
    const b = await fetch(`${url}/api/hello`, { headers: viaProxy })
    const nonceA = ((await a.json()) as { nonce: string }).nonce
    const nonceB = ((await b.json()) as { nonce: string }).nonce
    expect(nonceA).toMatch(/^[A-Za-z0-9+/_-]{16,}={0,2}$/)
    expect(nonceA).not.toBe(nonceB)
    const csp = a.headers.get('content-security-policy')!
    expect(csp).toContain(`'nonce-${nonceA}'`)
    expect(csp).toMatch(/connect-src 'self' wss:/)
    expect(a.headers.get('strict-transport-security')).toMatch(/max-age=63072000; includeSubDomains/)
    expect(a.headers.get('x-content-type-options')).toBe('nosniff')
    expect(a.headers.get('permissions-policy')).toBeTruthy()
    expect(a.headers.get('x-powered-by')).toBeNull()
    await close()
  })

  it('answers CORS preflights for allowed origins and never lets refused ones reach a route', async () => {
    const { url, close } = await startKit(framework, { envSource: production }, routes(framework))
    const preflight = { ...viaProxy, 'access-control-request-method': 'POST' }
    const ok = await fetch(`${url}/api/echo`, {
      method: 'OPTIONS',
      headers: { ...preflight, origin: 'https://app.example.com' },
    })
    expect(ok.status).toBe(204)
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example.com')
    const refused = await fetch(`${url}/api/echo`, {
      method: 'OPTIONS',
      headers: { ...preflight, origin: 'https://evil-example.com' },
    })
    expect(refused.headers.get('access-control-allow-origin')).toBeNull()
    expect(refused.status).toBeLessThan(500)
    await close()
  })

  it('refuses cross-site form posts (CSRF) before the rate limiter and the route', async () => {
    const { url, close } = await startKit(framework, { envSource: production }, routes(framework))
    const res = await fetch(`${url}/api/echo`, {
      method: 'POST',
      headers: {
        ...viaProxy,
        'sec-fetch-site': 'cross-site',
        cookie: 'session=1',
        'content-type': 'application/json',
      },
      body: '{"a":1}',
    })
    expect(res.status).toBe(403)
    await close()
  })

  it('limits the auth tier (AUTH_RATE_LIMIT_PER_MINUTE) with 429 and Retry-After, and never limits health routes', async () => {
    const env = { ...production, AUTH_RATE_LIMIT_PER_MINUTE: '3', RATE_LIMIT_PER_MINUTE: '5' }
    const { url, close } = await startKit(
      framework,
      { envSource: env, rateLimit: { routes: { '/auth': 'auth' } } },
      routes(framework),
    )
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) {
      statuses.push((await fetch(`${url}/auth/login`, { method: 'POST', headers: viaProxy })).status)
    }
    expect(statuses).toEqual([401, 401, 401, 429])
    const limited = await fetch(`${url}/auth/login`, {
      method: 'POST',
      headers: { ...viaProxy, accept: 'application/json' },
    })
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    for (let i = 0; i < 12; i++) expect((await fetch(`${url}/health/live`)).status).toBe(200)
    await close()
  })

  it('blocks an account after repeated failed logins, reading the account from the parsed body', async () => {
    const env = { ...production, AUTH_RATE_LIMIT_PER_MINUTE: '100' }
    const { url, close } = await startKit(
      framework,
      {
        envSource: env,
        rateLimit: { routes: { '/auth': 'auth' }, bruteForce: { perAccount: 2, perIp: 50 } },
      },
      routes(framework),
    )
    const login = (email: string) =>
      fetch(`${url}/auth/login`, {
        method: 'POST',
        headers: { ...viaProxy, 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: 'wrong' }),
      })
    const victim = [
      (await login('victim@example.com')).status,
      (await login('victim@example.com')).status,
      (await login('victim@example.com')).status,
    ]
    expect(victim).toEqual([401, 401, 429])
    // Another account from the same address is not blocked by the victim's failures.
    expect((await login('other@example.com')).status).toBe(401)
    await close()
  })

  it('parses JSON bodies up to MAX_UPLOAD_SIZE and answers 413 past it', async () => {
    const { url, close } = await startKit(
      framework,
      { envSource: { ...production, MAX_UPLOAD_SIZE: '1kb' } },
      routes(framework),
    )
    const small = await fetch(`${url}/api/echo`, {
      method: 'POST',
      headers: { ...viaProxy, 'content-type': 'application/json' },
      body: '{"a":1}',
    })
    expect(await small.json()).toEqual({ a: 1 })
    const big = await fetch(`${url}/api/echo`, {
      method: 'POST',
      headers: { ...viaProxy, 'content-type': 'application/json' },
      body: JSON.stringify({ a: 'x'.repeat(4096) }),
    })
    expect(big.status).toBe(413)
    await close()
  })
})

describe('Express and Fastify agree', () => {
  it('send the same security headers for the same config', async () => {
    const names = [
      'content-security-policy',
      'strict-transport-security',
      'x-content-type-options',
      'x-frame-options',
      'referrer-policy',
      'permissions-policy',
      'cross-origin-opener-policy',
      'cross-origin-resource-policy',
    ]
    const headers: Record<string, Record<string, string | null>> = {}
    for (const framework of ['express', 'fastify'] as const) {
      const { url, close } = await startKit(framework, { envSource: production }, routes(framework))
      const res = await fetch(`${url}/api/hello`, { headers: viaProxy })
      headers[framework] = Object.fromEntries(
        names.map((n) => [n, res.headers.get(n)?.replace(/'nonce-[^']+'/g, "'nonce-X'") ?? null]),
      )
      await close()
    }
    expect(headers.fastify).toEqual(headers.express)
    expect(Object.values(headers.express!).every((v) => v !== null)).toBe(true)
  })
})
