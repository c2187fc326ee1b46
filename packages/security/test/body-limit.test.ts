import { createSecurity } from '@kit/security'
import { kitSecurity } from '@kit/security/fastify'
import { listenFastify } from '@kit/test-utils'
import Fastify from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { send } from './support/http.ts'
import { memoryLogger } from './support/logger.ts'
import { FRAMEWORKS, onBoth, serve, type TestServer } from './support/servers.ts'

const env = { NODE_ENV: 'test', MAX_UPLOAD_SIZE: '1kb' }
const JSON_TYPE = { 'content-type': 'application/json' }
const FORM_TYPE = { 'content-type': 'application/x-www-form-urlencoded' }

describe.each(FRAMEWORKS)('body limits on %s', (framework) => {
  let server: TestServer
  beforeAll(async () => {
    server = await serve(framework, {}, { env })
  })
  afterAll(() => server.close())
  const echo = (headers: Record<string, string>, body: string | Buffer, chunked = false) =>
    send(`${server.url}/echo`, { method: 'POST', headers, body, chunked })

  it('parses JSON, urlencoded and octet-stream bodies under the limit', async () => {
    expect((await echo(JSON_TYPE, '{"a":[1,2]}')).json()).toEqual({ type: 'object', body: { a: [1, 2] } })
    expect((await echo(FORM_TYPE, 'user=ann&tag=a&tag=b')).json()).toEqual({
      type: 'object',
      body: { user: 'ann', tag: ['a', 'b'] },
    })
    const raw = await echo({ 'content-type': 'application/octet-stream' }, Buffer.alloc(1000, 1))
    expect(raw.json()).toEqual({ type: 'buffer', body: 1000 })
  })

  it('refuses a declared Content-Length over MAX_UPLOAD_SIZE with 413 before reading it', async () => {
    const before = server.hits['/echo'] ?? 0
    for (const headers of [
      JSON_TYPE,
      FORM_TYPE,
      { 'content-type': 'application/octet-stream' },
      { 'content-type': 'image/png' },
    ]) {
      const res = await echo(headers, 'x'.repeat(1025))
      expect(res.status).toBe(413)
      expect(res.json()).toEqual({
        error: {
          status: 413,
          title: 'Payload Too Large',
          code: 'KIT_SECURITY_BODY_TOO_LARGE',
          message: 'The request body is larger than the 1024 bytes this server accepts (MAX_UPLOAD_SIZE).',
        },
      })
    }
    expect(server.hits['/echo'] ?? 0).toBe(before)
  })

  it('accepts a body of exactly the limit', async () => {
    const body = JSON.stringify({ a: 'x'.repeat(1024 - 8) })
    expect(body.length).toBe(1024)
    expect((await echo(JSON_TYPE, body)).status).toBe(200)
  })

  it('cuts chunked JSON, form and raw bodies at the limit with 413', async () => {
    const cases: [Record<string, string>, string][] = [
      [JSON_TYPE, JSON.stringify({ a: 'x'.repeat(2000) })],
      [FORM_TYPE, `a=${'x'.repeat(2000)}`],
      [{ 'content-type': 'application/octet-stream' }, 'x'.repeat(2000)],
    ]
    for (const [headers, body] of cases) {
      const res = await echo(headers, body, true)
      expect([headers['content-type'], res.status]).toEqual([headers['content-type'], 413])
    }
  })

  it('answers malformed JSON with 400, never 500', async () => {
    for (const body of ['{"a":', 'nope', '{"a":1}}']) {
      const res = await echo(JSON_TYPE, body)
      expect([body, res.status]).toEqual([body, 400])
    }
  })

  it('refuses a form with more than 1000 fields with 413', async () => {
    const server2 = await serve(framework, { bodyLimit: '64kb' }, { env: {} })
    try {
      const body = Array.from({ length: 1001 }, (_, i) => `f${i}=1`).join('&')
      const res = await send(`${server2.url}/echo`, { method: 'POST', headers: FORM_TYPE, body })
      expect(res.status).toBe(413)
      const ok = Array.from({ length: 999 }, (_, i) => `f${i}=1`).join('&')
      expect(
        (await send(`${server2.url}/echo`, { method: 'POST', headers: FORM_TYPE, body: ok })).status,
      ).toBe(200)
    } finally {
      await server2.close()
    }
  })
})

describe('refused bodies', () => {
  it('are logged on Express, whether refused up front or by a parser', async () => {
    const logs = memoryLogger()
    const server = await serve('express', {}, { env, log: logs.log })
    try {
      await send(`${server.url}/echo`, { method: 'POST', headers: JSON_TYPE, body: 'x'.repeat(2000) })
      await send(`${server.url}/echo`, { method: 'POST', headers: JSON_TYPE, body: '{"a":' })
      await send(`${server.url}/echo`, {
        method: 'POST',
        headers: JSON_TYPE,
        body: 'x'.repeat(2000),
        chunked: true,
      })
    } finally {
      await server.close()
    }
    const lines = logs.warnings().filter((l) => l.security === 'body-limit')
    expect(lines.map((l) => l.status ?? 413)).toEqual([413, 400, 413])
    expect(lines[0]).toMatchObject({ path: '/echo', contentLength: '2000', limit: 1024 })
  })
})

describe('limit configuration', () => {
  it('takes MAX_UPLOAD_SIZE in the short units productionize() accepts (2k) on both frameworks', async () => {
    const statuses = await onBoth({}, { env: { NODE_ENV: 'test', MAX_UPLOAD_SIZE: '2k' } }, async (s) => {
      const post = (size: number) =>
        send(`${s.url}/echo`, { method: 'POST', headers: JSON_TYPE, body: `{"a":"${'x'.repeat(size - 8)}"}` })
      return [(await post(2048)).status, (await post(2049)).status]
    })
    expect(statuses).toEqual([
      [200, 413],
      [200, 413],
    ])
  })

  it.each([
    [{ MAX_UPLOAD_SIZE: '2048' }, 2048],
    [{ MAX_UPLOAD_SIZE: 4096 }, 4096],
    [{ MAX_UPLOAD_SIZE: '10mb' }, 10 * 1024 * 1024],
    // The short units @kit/env accepts (one size reader for both).
    [{ MAX_UPLOAD_SIZE: '10m' }, 10 * 1024 * 1024],
    [{ MAX_UPLOAD_SIZE: '512k' }, 512 * 1024],
    [{ MAX_UPLOAD_SIZE: '1.5 KiB' }, 1536],
    [{}, 1024 * 1024],
  ])('reads %j as %i bytes', (env, bytes) => {
    expect(createSecurity({}, { env }).config.bodyLimit?.limit).toBe(bytes)
  })

  it('the bodyLimit option beats MAX_UPLOAD_SIZE', () => {
    expect(
      createSecurity({ bodyLimit: '2kb' }, { env: { MAX_UPLOAD_SIZE: '1mb' } }).config.bodyLimit?.limit,
    ).toBe(2048)
    expect(
      createSecurity({ bodyLimit: { limit: 300 } }, { env: { MAX_UPLOAD_SIZE: '1mb' } }).config.bodyLimit
        ?.limit,
    ).toBe(300)
  })

  it.each([['0'], ['-1'], ['lots'], ['5 parsecs'], ['1e9']])(
    'MAX_UPLOAD_SIZE=%s throws KIT_SECURITY_INVALID_ENV',
    (value) => {
      expect(() => createSecurity({}, { env: { MAX_UPLOAD_SIZE: value } })).toThrow(
        expect.objectContaining({
          code: 'KIT_SECURITY_INVALID_ENV',
          message: expect.stringContaining('MAX_UPLOAD_SIZE must be a positive size'),
        }),
      )
    },
  )

  it.each([[0], [1.5], [-10], [{ limit: 'big' }], [{ max: 10 }]])('bodyLimit %j throws', (value) => {
    expect(() => createSecurity({ bodyLimit: value as never }, { env: {} })).toThrow(/bodyLimit/)
  })
})

describe('exempt routes', () => {
  it('Express: bodyLimit.exempt routes are neither limited nor parsed (raw webhooks, uploads)', async () => {
    const server = await serve('express', { bodyLimit: { limit: 100, exempt: ['/webhooks/*'] } }, { env: {} })
    try {
      const res = await send(`${server.url}/webhooks/stripe`, {
        method: 'POST',
        headers: JSON_TYPE,
        body: 'x'.repeat(500),
      })
      expect(res.status).toBe(200)
      const limited = await send(`${server.url}/echo`, {
        method: 'POST',
        headers: JSON_TYPE,
        body: 'x'.repeat(500),
      })
      expect(limited.status).toBe(413)
    } finally {
      await server.close()
    }
  })

  it("Fastify: a route's own bodyLimit wins over MAX_UPLOAD_SIZE", async () => {
    const app = Fastify()
    await app.register(kitSecurity, { security: createSecurity({}, { env }) })
    app.post('/upload', { bodyLimit: 10_000 }, async (request) => ({ size: (request.body as Buffer).length }))
    app.post('/small', async () => 'ok')
    const server = await listenFastify(app)
    try {
      const headers = { 'content-type': 'application/octet-stream' }
      const big = await send(`${server.url}/upload`, { method: 'POST', headers, body: Buffer.alloc(5000) })
      expect(big.json()).toEqual({ size: 5000 })
      const tooBig = await send(`${server.url}/upload`, {
        method: 'POST',
        headers,
        body: Buffer.alloc(10_001),
      })
      expect(tooBig.status).toBe(413)
      expect(tooBig.json().error.message).toContain('10000 bytes')
      expect(
        (await send(`${server.url}/small`, { method: 'POST', headers, body: Buffer.alloc(5000) })).status,
      ).toBe(413)
    } finally {
      await server.close()
    }
  })
})

describe('bodyLimit: false', () => {
  it('Express: kit neither parses nor limits', async () => {
    const server = await serve('express', { bodyLimit: false }, { env })
    try {
      const res = await send(`${server.url}/echo`, {
        method: 'POST',
        headers: JSON_TYPE,
        body: JSON.stringify({ a: 'x'.repeat(5000) }),
      })
      expect(res.json()).toEqual({ type: 'undefined', body: null })
    } finally {
      await server.close()
    }
  })
})
