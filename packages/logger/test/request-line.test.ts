import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type TestApp, VARIANTS } from './apps.ts'

const LINE_FIELDS = ['durationMs', 'ip', 'method', 'path', 'reqId', 'status', 'userAgent']

describe.each(VARIANTS)('request line on %s', (variant) => {
  let app: TestApp
  beforeAll(async () => {
    app = await startApp(variant)
  })
  afterAll(async () => {
    await app.close()
  })

  const get = (path: string, id: string, headers: Record<string, string> = {}) =>
    fetch(app.url + path, {
      headers: { 'x-request-id': id, 'user-agent': 'kit-test/1.0', ...headers },
      signal: AbortSignal.timeout(5000),
    })

  it('writes one line per request with method, path, route, status, duration, id, ip and user agent', async () => {
    const id = `line-${variant}`
    await get('/users/7?tab=profile', id)
    const line = await app.requestLine(id)
    expect(line).toMatchObject({
      level: 30,
      msg: 'request completed',
      method: 'GET',
      path: '/users/7',
      route: '/users/:id',
      status: 200,
      reqId: id,
      ip: '127.0.0.1',
      userAgent: 'kit-test/1.0',
      service: 'test-app',
    })
    expect(line.durationMs).toBeGreaterThanOrEqual(0)
    expect(line.durationMs).toBeLessThan(2000)
    expect(app.lines().filter((l) => l.reqId === id && l.msg === 'request completed')).toHaveLength(1)
  })

  it('leaves the route out and logs a 404 at info', async () => {
    const id = `nf-${variant}`
    const res = await get('/no/such/page', id)
    expect(res.status).toBe(404)
    const line = await app.requestLine(id)
    expect(line).toMatchObject({ level: 30, status: 404, path: '/no/such/page' })
    expect(line.route).toBeUndefined()
  })

  it('logs a 5xx at error with the error and its stack', async () => {
    const id = `boom-${variant}`
    const res = await get('/boom', id)
    expect(res.status).toBe(500)
    const line = await app.requestLine(id)
    expect(line).toMatchObject({
      level: 50,
      status: 500,
      route: '/boom',
      err: { type: 'Error', message: 'kaboom' },
    })
    expect(line.err.stack).toContain('kaboom')
    expect(line.err.stack).toMatch(/apps\.ts/)
  })

  it('logs a 4xx at info without the error', async () => {
    const id = `bad-${variant}`
    const res = await get('/bad', id)
    expect(res.status).toBe(400)
    const line = await app.requestLine(id)
    expect(line).toMatchObject({ level: 30, status: 400 })
    expect(line.err).toBeUndefined()
    expect(JSON.stringify(line)).not.toContain('bad input')
  })

  it('logs a request the client abandoned as aborted', async () => {
    const id = `abort-${variant}`
    // Abort once the handler runs, not after a guessed time (on a busy machine 100 ms may not reach it).
    const abort = new AbortController()
    const arrived = app.slowArrived()
    const request = fetch(`${app.url}/slow`, { headers: { 'x-request-id': id }, signal: abort.signal })
    await arrived
    abort.abort()
    await expect(request).rejects.toThrow()
    const line = await app.requestLine(id)
    expect(line).toMatchObject({ msg: 'request aborted', aborted: true, path: '/slow' })
    // The handler finishes later: still one line.
    await new Promise((r) => setTimeout(r, 500))
    expect(app.lines().filter((l) => l.reqId === id && l.path === '/slow')).toHaveLength(1)
  })

  it('never writes secrets from headers, the query string or a logged body', async () => {
    const id = `canary-${variant}`
    const secrets = [
      'CANARYauth7781',
      'CANARYcookie7782',
      'CANARYapikey7783',
      'CANARYquery7784',
      'CANARYbody7785',
    ]
    await get('/log-headers?token=CANARYquery7784&page=2', id, {
      authorization: 'Bearer CANARYauth7781',
      cookie: 'session=CANARYcookie7782',
      'x-api-key': 'CANARYapikey7783',
    })
    await fetch(`${app.url}/body?api_key=CANARYquery7784`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': `${id}-post` },
      body: JSON.stringify({
        user: 'ann',
        password: 'CANARYbody7785',
        nested: { card: { cvv: 'CANARYbody7785' } },
      }),
      signal: AbortSignal.timeout(5000),
    })
    await app.requestLine(id)
    await app.requestLine(`${id}-post`)
    const seen = app.lines().find((l) => l.msg === 'headers seen' && l.reqId === id)
    expect(seen?.headers).toMatchObject({
      authorization: '[REDACTED]',
      cookie: '[REDACTED]',
      'x-api-key': '[REDACTED]',
    })
    expect(seen?.req).toEqual({ method: 'GET', path: '/log-headers', ip: '127.0.0.1' })
    expect(app.lines().find((l) => l.msg === 'got a body' && l.reqId === `${id}-post`)?.body).toEqual({
      user: 'ann',
      password: '[REDACTED]',
      nested: { card: { cvv: '[REDACTED]' } },
    })
    const text = app.out.text()
    for (const secret of secrets) expect(text).not.toContain(secret)
  })

  it('uses the same field names as every other framework', async () => {
    const id = `fields-${variant}`
    await get('/hello', id)
    expect(Object.keys(await app.requestLine(id)).sort()).toEqual(
      ['env', 'hostname', 'level', 'msg', 'pid', 'route', 'service', 'time', ...LINE_FIELDS].sort(),
    )
  })
})

describe.each(VARIANTS)('skip option on %s', (variant) => {
  it('logs matching requests (health) at debug', async () => {
    const app = await startApp(variant)
    try {
      await fetch(`${app.url}/health`, {
        headers: { 'x-request-id': 'hc-1' },
        signal: AbortSignal.timeout(5000),
      })
      expect(await app.requestLine('hc-1')).toMatchObject({ level: 20, path: '/health', status: 200 })
    } finally {
      await app.close()
    }
  })

  it('writes nothing for them at level info, and still echoes an id', async () => {
    const app = await startApp(variant, { logger: { level: 'info' } })
    try {
      const res = await fetch(`${app.url}/health`, { signal: AbortSignal.timeout(5000) })
      expect(res.headers.get('x-request-id')).toBeTruthy()
      await fetch(`${app.url}/hello`, {
        headers: { 'x-request-id': 'after-hc' },
        signal: AbortSignal.timeout(5000),
      })
      await app.requestLine('after-hc')
      expect(app.lines().filter((l) => l.path === '/health')).toEqual([])
    } finally {
      await app.close()
    }
  })
})
