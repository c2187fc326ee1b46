import { freePort } from '@kit/test-utils'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { MailProviderError } from '../src/provider-error.ts'
import { createSendGridTransport } from '../src/transports/sendgrid.ts'
import { outgoing, testMailTransport } from './conformance.ts'
import { type FakeSendGrid, SENDGRID_TEST_KEY, startFakeSendGrid } from './sendgrid-server.ts'

testMailTransport('sendgrid', async () => {
  const server = await startFakeSendGrid()
  return {
    transport: createSendGridTransport({ apiKey: SENDGRID_TEST_KEY, baseUrl: server.url }),
    received: () => server.received(),
    stop: () => server.close(),
  }
})

describe('sendgrid transport', () => {
  let server: FakeSendGrid
  beforeAll(async () => {
    server = await startFakeSendGrid({
      keys: { [SENDGRID_TEST_KEY]: ['mail.send'], 'SG.no-send-scope.x': ['stats.read'] },
      verifiedSenders: ['example.com'],
      maxBodyBytes: 64 * 1024,
    })
  })
  afterAll(() => server.close())
  beforeEach(() => server.reset())
  const transport = (options: { apiKey?: string; timeoutMs?: number } = {}) =>
    createSendGridTransport({ apiKey: SENDGRID_TEST_KEY, baseUrl: server.url, ...options })
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => expect.unreachable(),
      (e) => e as MailProviderError,
    )

  describe('request', () => {
    it('posts the documented v3 body with a bearer key and returns X-Message-Id', async () => {
      const message = await outgoing({
        text: 'Plain',
        html: '<p>Rich</p>',
        replyTo: ['a@example.com', 'b@example.com'],
        tags: { campaign: 'welcome' },
      })
      const result = await transport().send(message)
      const [request] = server.requests
      expect(request?.headers.authorization).toBe(`Bearer ${SENDGRID_TEST_KEY}`)
      expect(request?.headers['content-type']).toBe('application/json')
      expect(request?.body.content).toEqual([
        { type: 'text/plain', value: 'Plain' },
        { type: 'text/html', value: '<p>Rich</p>' },
      ])
      expect(request?.body.reply_to_list).toEqual([{ email: 'a@example.com' }, { email: 'b@example.com' }])
      expect(request?.body.reply_to).toBeUndefined()
      expect(request?.body.custom_args).toEqual({ campaign: 'welcome' })
      expect(result.messageId).toBe(server.deliveries[0]?.messageId)
    })

    it('uses reply_to for a single reply address', async () => {
      await transport().send(await outgoing({ replyTo: 'Help <help@example.com>' }))
      expect(server.requests[0]?.body.reply_to).toEqual({ email: 'help@example.com', name: 'Help' })
    })
  })

  describe('errors', () => {
    it('401 (invalid key) is a permanent KIT_MAILER_AUTH_FAILED without the key in the message', async () => {
      const error = await failure(transport({ apiKey: 'SG.revoked.key' }).send(await outgoing()))
      expect(error).toMatchObject({
        code: 'KIT_MAILER_AUTH_FAILED',
        kind: 'permanent',
        status: 401,
        provider: 'sendgrid',
      })
      expect(error.message).toContain('The provided authorization grant is invalid')
      expect(error.message).not.toContain('SG.revoked.key')
    })

    it('403 for a key without the Mail Send scope is KIT_MAILER_AUTH_FAILED', async () => {
      const error = await failure(transport({ apiKey: 'SG.no-send-scope.x' }).send(await outgoing()))
      expect(error).toMatchObject({ code: 'KIT_MAILER_AUTH_FAILED', kind: 'permanent', status: 403 })
    })

    it('403 for an unverified sender identity is KIT_MAILER_REJECTED, naming the field', async () => {
      const error = await failure(transport().send(await outgoing({ from: 'me@unverified.org' })))
      expect(error).toMatchObject({ code: 'KIT_MAILER_REJECTED', kind: 'permanent', status: 403 })
      expect(error.message).toContain('does not match a verified Sender Identity')
      expect(error.message).toMatch(/\(field from\)$/)
    })

    it('400 validation errors are permanent and carry SendGrid message and field', async () => {
      server.script({
        status: 400,
        body: {
          errors: [{ message: 'Invalid type. Expected: string.', field: 'subject', help: 'http://x' }],
        },
      })
      const error = await failure(transport().send(await outgoing()))
      expect(error).toMatchObject({
        code: 'KIT_MAILER_REJECTED',
        kind: 'permanent',
        status: 400,
        maybeDelivered: false,
      })
      expect(error.message).toBe('sendgrid (400): Invalid type. Expected: string. (field subject)')
    })

    it('413 content too large is permanent', async () => {
      const big = 'x'.repeat(80 * 1024)
      const error = await failure(
        transport().send(await outgoing({ attachments: [{ filename: 'big.txt', content: big }] })),
      )
      expect(error).toMatchObject({ code: 'KIT_MAILER_REJECTED', kind: 'permanent', status: 413 })
      expect(error.message).toContain('content too large')
    })

    it('422 is permanent', async () => {
      server.script({ status: 422 })
      expect(await failure(transport().send(await outgoing()))).toMatchObject({
        kind: 'permanent',
        status: 422,
      })
    })

    it('429 is transient, not delivered, and reads X-RateLimit-Reset', async () => {
      server.script({ status: 429, retryAfter: 3, headers: { 'retry-after': '' } })
      const error = await failure(transport().send(await outgoing()))
      expect(error).toMatchObject({
        code: 'KIT_MAILER_RATE_LIMITED',
        kind: 'transient',
        maybeDelivered: false,
      })
      expect(error.retryAfterMs).toBeGreaterThan(1000)
      expect(error.retryAfterMs).toBeLessThanOrEqual(4000)
    })

    it('503 is transient and not delivered, with Retry-After', async () => {
      server.script({ status: 503, retryAfter: 2 })
      const error = await failure(transport().send(await outgoing()))
      expect(error).toMatchObject({
        code: 'KIT_MAILER_PROVIDER_UNAVAILABLE',
        kind: 'transient',
        maybeDelivered: false,
        retryAfterMs: 2000,
      })
    })

    it('408 request timeout is transient and not delivered', async () => {
      server.script({ status: 408 })
      expect(await failure(transport().send(await outgoing()))).toMatchObject({
        kind: 'transient',
        maybeDelivered: false,
        status: 408,
      })
    })

    it('500 is transient but may have delivered (SendGrid cannot de-duplicate)', async () => {
      server.script({ status: 500, deliverFirst: true })
      const error = await failure(transport().send(await outgoing()))
      expect(error).toMatchObject({
        code: 'KIT_MAILER_PROVIDER_UNAVAILABLE',
        kind: 'transient',
        maybeDelivered: true,
        status: 500,
      })
    })

    it('a non-JSON error body is reported as text', async () => {
      server.script({ status: 502, body: 'Bad gateway' })
      const error = await failure(transport().send(await outgoing()))
      expect(error.message).toContain('"Bad gateway"')
      expect(error.maybeDelivered).toBe(true)
    })

    it('a request with no answer times out within timeoutMs and may have delivered', async () => {
      server.script({ hang: true, status: 0 })
      const started = Date.now()
      const error = await failure(transport({ timeoutMs: 300 }).send(await outgoing()))
      expect(Date.now() - started).toBeLessThan(2000)
      expect(error).toMatchObject({ code: 'KIT_MAILER_TIMEOUT', kind: 'transient', maybeDelivered: true })
    })

    it('a refused connection is transient and provably not delivered', async () => {
      const port = await freePort()
      const closed = createSendGridTransport({
        apiKey: SENDGRID_TEST_KEY,
        baseUrl: `http://127.0.0.1:${port}`,
      })
      const error = await failure(closed.send(await outgoing()))
      expect(error).toMatchObject({
        code: 'KIT_MAILER_PROVIDER_UNAVAILABLE',
        kind: 'transient',
        maybeDelivered: false,
      })
      expect(error.message).toContain('ECONNREFUSED')
    })
  })

  describe('verify', () => {
    it('passes for a key with the mail.send scope', async () => {
      await expect(transport().verify()).resolves.toBe('API key has the mail.send scope')
      expect(server.deliveries).toHaveLength(0)
    })

    it('fails for a key without the mail.send scope', async () => {
      await expect(transport({ apiKey: 'SG.no-send-scope.x' }).verify()).rejects.toMatchObject({
        code: 'KIT_MAILER_AUTH_FAILED',
        message: expect.stringContaining('lacks the "Mail Send"'),
      })
    })

    it('fails for an invalid key', async () => {
      await expect(transport({ apiKey: 'SG.wrong' }).verify()).rejects.toMatchObject({
        code: 'KIT_MAILER_AUTH_FAILED',
        status: 401,
      })
    })
  })

  describe('options', () => {
    it('needs an API key', () => {
      expect(() => createSendGridTransport({})).toThrow(
        expect.objectContaining({
          code: 'KIT_MAILER_MISSING_CREDENTIALS',
          message: expect.stringContaining('SENDGRID_API_KEY'),
        }),
      )
    })

    it('refuses a key with a trailing newline, without printing it', () => {
      let thrown: Error | undefined
      try {
        createSendGridTransport({ apiKey: `${SENDGRID_TEST_KEY}\n` })
      } catch (error) {
        thrown = error as Error
      }
      expect(thrown).toMatchObject({ code: 'KIT_MAILER_INVALID_OPTION' })
      expect(thrown?.message).not.toContain(SENDGRID_TEST_KEY)
    })

    it.each([['ftp://x'], ['not a url'], ['https://user:pw@api.sendgrid.com']])(
      'refuses baseUrl %s',
      (baseUrl) => {
        expect(() => createSendGridTransport({ apiKey: SENDGRID_TEST_KEY, baseUrl })).toThrow(
          expect.objectContaining({ code: 'KIT_MAILER_INVALID_OPTION' }),
        )
      },
    )

    it.each([[0], [-5], [1.5], ['100']])('refuses timeoutMs %s', (timeoutMs) => {
      expect(() =>
        createSendGridTransport({ apiKey: SENDGRID_TEST_KEY, timeoutMs: timeoutMs as number }),
      ).toThrow(expect.objectContaining({ code: 'KIT_MAILER_INVALID_OPTION' }))
    })
  })
})
