import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type TestApp, VARIANTS } from './apps.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe.each(VARIANTS)('request id on %s', (variant) => {
  let app: TestApp
  beforeAll(async () => {
    app = await startApp(variant)
  })
  afterAll(async () => {
    await app.close()
  })

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(app.url + path, { headers, signal: AbortSignal.timeout(5000) })

  it('accepts a safe incoming X-Request-Id and echoes it', async () => {
    const id = 'heroku-3f1c.9a:77_x'
    const res = await get('/hello', { 'x-request-id': id })
    expect(res.headers.get('x-request-id')).toBe(id)
    expect((await app.requestLine(id)).reqId).toBe(id)
  })

  it('generates a UUID when none is sent', async () => {
    const res = await get('/hello')
    const id = res.headers.get('x-request-id') ?? ''
    expect(id).toMatch(UUID)
    expect((await app.requestLine(id)).status).toBe(200)
  })

  it.each([
    ['a space', 'abc def'],
    ['a quote and markup', '"><script>'],
    ['201 characters', 'a'.repeat(201)],
    ['a newline-like escape', 'abc%0d%0aSet-Cookie'],
  ])('replaces an unsafe incoming id (%s)', async (_label, unsafe) => {
    const res = await get('/hello', { 'x-request-id': unsafe })
    const id = res.headers.get('x-request-id') ?? ''
    expect(id).toMatch(UUID)
    await app.requestLine(id)
    expect(app.out.text()).not.toContain(unsafe)
  })

  it('accepts an id of exactly 200 characters', async () => {
    const id = 'b'.repeat(200)
    const res = await get('/hello', { 'x-request-id': id })
    expect(res.headers.get('x-request-id')).toBe(id)
  })

  it('carries the id into app log.info() deep in async code and into getRequestId()', async () => {
    const res = await get('/deep', { 'x-request-id': `deep-${variant}` })
    expect(await res.json()).toEqual({ id: `deep-${variant}` })
    const line = app.lines().find((l) => l.msg === 'deep in async code' && l.reqId === `deep-${variant}`)
    expect(line).toMatchObject({ step: 'deep', service: 'test-app' })
  })

  it('carries the id through body parsing (a POST with a JSON body)', async () => {
    const id = `post-${variant}`
    const res = await fetch(`${app.url}/body`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': id },
      body: JSON.stringify({ name: 'widget' }),
      signal: AbortSignal.timeout(5000),
    })
    expect(await res.json()).toEqual({ id })
    expect(app.lines().find((l) => l.msg === 'got a body')).toMatchObject({
      reqId: id,
      body: { name: 'widget' },
    })
  })

  it('carries the id through a body that arrives in pieces, after the headers', async () => {
    const id = `stream-${variant}`
    const encoder = new TextEncoder()
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(encoder.encode('{"name":'))
        await new Promise((r) => setTimeout(r, 50))
        controller.enqueue(encoder.encode('"slow widget"}'))
        controller.close()
      },
    })
    const res = await fetch(`${app.url}/body`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': id },
      body,
      duplex: 'half',
      signal: AbortSignal.timeout(5000),
    } as RequestInit)
    expect(await res.json()).toEqual({ id })
    expect(app.lines().find((l) => l.body?.name === 'slow widget')).toMatchObject({ reqId: id })
  })

  it('gives req.log a child bound to the id (one reqId key, not two)', async () => {
    const id = `child-${variant}`
    await get('/users/42', { 'x-request-id': id })
    await app.requestLine(id)
    const raw =
      app.out
        .text()
        .split('\n')
        .find((l) => l.includes('from req.log')) ?? ''
    expect(JSON.parse(raw).reqId).toBe(id)
    expect(raw.match(/"reqId"/g)).toHaveLength(1)
  })

  it('puts the id on every line of the request and on no other request', async () => {
    const [a, b] = ['every-a', 'every-b']
    await Promise.all([get('/deep', { 'x-request-id': a }), get('/deep', { 'x-request-id': b })])
    await app.requestLine(a)
    await app.requestLine(b)
    const deep = app.lines().filter((l) => l.msg === 'deep in async code' && (l.reqId === a || l.reqId === b))
    expect(deep.map((l) => l.reqId).sort()).toEqual([a, b])
  })

  it('sends the id on outgoing calls made with fetchWithRequestId()', async () => {
    const echo = await startApp(variant)
    try {
      const id = `out-${variant}`
      const res = await get(`/call-out?target=${encodeURIComponent(`${echo.url}/deep`)}`, {
        'x-request-id': id,
      })
      expect(await res.json()).toEqual({ id })
      expect((await echo.requestLine(id)).path).toBe('/deep')
    } finally {
      await echo.close()
    }
  })
})

describe.each(VARIANTS)('requestIdHeader and trustRequestId options on %s', (variant) => {
  it('reads and echoes a custom header', async () => {
    const app = await startApp(variant, { request: { requestIdHeader: 'X-Correlation-Id' } })
    try {
      const res = await fetch(`${app.url}/hello`, {
        headers: { 'x-correlation-id': 'corr-1' },
        signal: AbortSignal.timeout(5000),
      })
      expect(res.headers.get('x-correlation-id')).toBe('corr-1')
      expect(res.headers.get('x-request-id')).toBeNull()
      expect((await app.requestLine('corr-1')).status).toBe(200)
    } finally {
      await app.close()
    }
  })

  it('generates an id even for a safe incoming one when trustRequestId is false', async () => {
    const app = await startApp(variant, { request: { trustRequestId: false } })
    try {
      const res = await fetch(`${app.url}/hello`, {
        headers: { 'x-request-id': 'client-chosen' },
        signal: AbortSignal.timeout(5000),
      })
      const id = res.headers.get('x-request-id') ?? ''
      expect(id).toMatch(UUID)
      expect((await app.requestLine(id)).reqId).toBe(id)
    } finally {
      await app.close()
    }
  })
})
