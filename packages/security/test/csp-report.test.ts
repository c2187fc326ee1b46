import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { send } from './support/http.ts'
import { memoryLogger } from './support/logger.ts'
import { FRAMEWORKS, serve, type TestServer } from './support/servers.ts'

const env = { NODE_ENV: 'test' }

const legacy = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    'csp-report': {
      'document-uri': 'https://app.example/account?session=s3cr3t-value#frag',
      referrer: '',
      'violated-directive': "script-src-elem 'self'",
      'effective-directive': 'script-src-elem',
      'original-policy': "default-src 'none'",
      disposition: 'enforce',
      'blocked-uri': 'inline',
      'line-number': 12,
      'column-number': 3,
      'source-file': 'https://app.example/account',
      'status-code': 200,
      'script-sample': 'alert(1)',
      ...overrides,
    },
  })

const modern = (bodies: Record<string, unknown>[]) =>
  JSON.stringify(
    bodies.map((body) => ({
      type: 'csp-violation',
      age: 10,
      url: 'https://app.example/',
      user_agent: 'test',
      body: {
        documentURL: 'https://app.example/',
        effectiveDirective: 'img-src',
        blockedURL: 'https://tracker.example/pixel.gif?uid=123',
        disposition: 'enforce',
        statusCode: 200,
        ...body,
      },
    })),
  )

describe.each(FRAMEWORKS)('CSP report endpoint on %s', (framework) => {
  let server: TestServer
  let logs: ReturnType<typeof memoryLogger>
  beforeAll(async () => {
    logs = memoryLogger()
    server = await serve(framework, { csp: { reportLogsPerMinute: 5 } }, { env, log: logs.log })
  })
  afterAll(() => server.close())
  const report = (body: string | Buffer, type = 'application/csp-report', chunked = false) =>
    send(`${server.url}/_kit/csp-report`, {
      method: 'POST',
      headers: { 'content-type': type },
      body,
      chunked,
    })
  const violations = () => logs.warnings().filter((l) => l.security === 'csp-violation')

  it('accepts application/csp-report and logs the violation without query strings', async () => {
    const res = await report(legacy())
    expect(res.status).toBe(204)
    expect(violations().at(-1)).toMatchObject({
      msg: 'Content-Security-Policy violation',
      csp: {
        documentUrl: 'https://app.example/account',
        blockedUrl: 'inline',
        directive: 'script-src-elem',
        disposition: 'enforce',
        sourceFile: 'https://app.example/account',
        line: 12,
        column: 3,
        sample: 'alert(1)',
      },
    })
    expect(JSON.stringify(logs.lines())).not.toContain('s3cr3t')
  })

  it('logs an identical violation once', async () => {
    const before = violations().length
    for (let i = 0; i < 3; i++) expect((await report(legacy())).status).toBe(204)
    expect(violations().length).toBe(before)
  })

  it('accepts application/reports+json batches and ignores other report types', async () => {
    const before = violations().length
    const body = JSON.stringify([
      ...JSON.parse(modern([{ lineNumber: 1 }])),
      { type: 'deprecation', body: { id: 'x' } },
    ])
    expect((await report(body, 'application/reports+json')).status).toBe(204)
    const added = violations().slice(before)
    expect(added).toHaveLength(1)
    expect(added[0]!.csp).toMatchObject({
      directive: 'img-src',
      blockedUrl: 'https://tracker.example/pixel.gif',
    })
  })

  it('accepts application/json (some browsers) without the body parsers taking it', async () => {
    expect(
      (await report(legacy({ 'blocked-uri': 'https://json.example/x.js' }), 'application/json')).status,
    ).toBe(204)
  })

  it('logs at most reportLogsPerMinute violations a minute', async () => {
    const batch = modern(Array.from({ length: 20 }, (_, i) => ({ blockedURL: `https://flood${i}.example/` })))
    expect((await report(batch, 'application/reports+json')).status).toBe(204)
    expect(violations().length).toBe(5)
  })

  it('truncates long fields and redacts secrets in samples', async () => {
    const own = memoryLogger()
    const s = await serve(framework, {}, { env, log: own.log })
    try {
      const sample = `fetch('/x?token=abcdef1234567890') ${'y'.repeat(1000)}`
      await send(`${s.url}/_kit/csp-report`, {
        method: 'POST',
        headers: { 'content-type': 'application/csp-report' },
        body: legacy({ 'script-sample': sample }),
      })
      const logged = own.warnings().find((l) => l.security === 'csp-violation')!
      expect(logged.csp.sample.length).toBeLessThanOrEqual(320)
      expect(logged.csp.sample).not.toContain('abcdef1234567890')
    } finally {
      await s.close()
    }
  })

  it.each([
    ['{'],
    ['null'],
    ['"text"'],
    ['[1, 2]'],
    ['{"csp-report": "nope"}'],
    ['{"csp-report": {"document-uri": 5}}'],
    ['{"foo": 1}'],
    ['\u0000\u0001\u0002binary'],
    [''],
  ])('answers junk body %j with 400, never 500', async (body) => {
    const res = await report(body)
    expect(res.status).toBe(400)
    expect(res.json()).toMatchObject({ error: { status: 400, code: 'KIT_SECURITY_BAD_CSP_REPORT' } })
  })

  it('logs refused reports (rate-limited)', () => {
    expect(logs.warnings().filter((l) => l.security === 'csp-report').length).toBeGreaterThan(0)
  })

  it('answers other content types with 415', async () => {
    const res = await report(legacy(), 'text/plain')
    expect(res.status).toBe(415)
  })

  it('answers bodies over reportMaxBytes with 413, declared or chunked', async () => {
    const huge = legacy({ 'script-sample': 'x'.repeat(70_000) })
    expect((await report(huge)).status).toBe(413)
    expect((await report(huge, 'application/csp-report', true)).status).toBe(413)
  })

  it('leaves GET on the report path to the app', async () => {
    const res = await send(`${server.url}/_kit/csp-report`)
    expect(res.status).toBe(404)
  })

  it('accepts the report path with a query string', async () => {
    const res = await send(`${server.url}/_kit/csp-report?v=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/csp-report' },
      body: legacy(),
    })
    expect(res.status).toBe(204)
  })
})

describe.each(FRAMEWORKS)('reportPath on %s', (framework) => {
  it('moves the endpoint', async () => {
    const server = await serve(framework, { csp: { reportPath: '/security/csp' } }, { env })
    try {
      const body = legacy()
      const headers = { 'content-type': 'application/csp-report' }
      expect((await send(`${server.url}/security/csp`, { method: 'POST', headers, body })).status).toBe(204)
      expect((await send(`${server.url}/_kit/csp-report`, { method: 'POST', headers, body })).status).toBe(
        404,
      )
    } finally {
      await server.close()
    }
  })

  it('false removes the endpoint', async () => {
    const server = await serve(framework, { csp: { reportPath: false } }, { env })
    try {
      const res = await send(`${server.url}/_kit/csp-report`, {
        method: 'POST',
        headers: { 'content-type': 'application/csp-report' },
        body: legacy(),
      })
      expect(res.status).toBe(404)
    } finally {
      await server.close()
    }
  })
})
