import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { MailProviderError } from '../src/provider-error.ts'
import { createResendTransport } from '../src/transports/resend.ts'
import { outgoing, testMailTransport } from './conformance.ts'
import { type FakeResend, RESEND_SENDING_KEY, RESEND_TEST_KEY, startFakeResend } from './resend-server.ts'

testMailTransport('resend', async () => {
  const server = await startFakeResend()
  return {
    transport: createResendTransport({ apiKey: RESEND_TEST_KEY, baseUrl: server.url }),
    received: () => server.received(),
    stop: () => server.close(),
  }
})

describe('resend transport', () => {
  let server: FakeResend
  beforeAll(async () => {
    server = await startFakeResend({ verifiedDomains: ['example.com'], maxBodyBytes: 64 * 1024 })
  })
  afterAll(() => server.close())
  beforeEach(() => server.reset())
  const transport = (options: { apiKey?: string; timeoutMs?: number } = {}) =>
    createResendTransport({ apiKey: RESEND_TEST_KEY, baseUrl: server.url, ...options })
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => expect.unreachable(),
      (e) => e as MailProviderError,
    )

  describe('request', () => {
    it('posts snake_case fields, tags and the Idempotency-Key, and returns the id', async () => {
      const message = await outgoing({
        from: 'Acme Support <support@example.com>',
        replyTo: 'help@example.com',
        tags: { category: 'magic-link' },
        idempotencyKey: 'login-42-1',
      })
      const result = await transport().send(message)
      const [request] = server.requests
      expect(request?.headers.authorization).toBe(`Bearer ${RESEND_TEST_KEY}`)
      expect(request?.idempotencyKey).toBe('login-42-1')
      expect(request?.body).toMatchObject({
        from: 'Acme Support <support@example.com>',
        to: ['rcpt@example.com'],
        reply_to: ['help@example.com'],
        tags: [{ name: 'category', value: 'magic-link' }],
      })
      expect(result.messageId).toBe(server.deliveries[0]?.id)
    })

    it('quotes a display name with specials', async () => {
      await transport().send(await outgoing({ from: { email: 'a@example.com', name: 'Acme, Inc. "HQ"' } }))
      expect(server.requests[0]?.body.from).toBe('"Acme, Inc. \\"HQ\\"" <a@example.com>')
    })
  })

  describe('idempotency', () => {
    it('a retry with the same key returns the first id and does not send again', async () => {
      const message = await outgoing()
      const first = await transport().send(message)
      const again = await transport().send(message)
      expect(again.messageId).toBe(first.messageId)
      expect(server.requests).toHaveLength(2)
      expect(server.deliveries).toHaveLength(1)
    })

    it('the same key with a different message is a permanent KIT_MAILER_IDEMPOTENCY_CONFLICT (409)', async () => {
      await transport().send(await outgoing({ idempotencyKey: 'reused', subject: 'One' }))
      const error = await failure(
        transport().send(await outgoing({ idempotencyKey: 'reused', subject: 'Two' })),
      )
      expect(error).toMatchObject({ code: 'KIT_MAILER_IDEMPOTENCY_CONFLICT', kind: 'permanent', status: 409 })
      expect(error.message).toContain('invalid_idempotent_request')
      expect(server.deliveries).toHaveLength(1)
    })

    it('a replay while the first is in progress is transient and may have delivered (409 concurrent)', async () => {
      server.script({ status: 200, deliverFirst: true, delayMs: 400 })
      const message = await outgoing()
      const first = transport().send(message)
      // The first request has reached the server (and is held there), whatever the machine's load.
      await expect.poll(() => server.requests.length, { timeout: 10_000 }).toBe(1)
      const error = await failure(transport().send(message))
      expect(error).toMatchObject({
        code: 'KIT_MAILER_PROVIDER_UNAVAILABLE',
        kind: 'transient',
        maybeDelivered: true,
        status: 409,
      })
      expect(error.message).toContain('concurrent_idempotent_requests')
      await expect(first).resolves.toMatchObject({ messageId: server.deliveries[0]?.id })
      expect(server.deliveries).toHaveLength(1)
    })
  })

  describe('errors', () => {
    it.each([['missing_api_key'], ['restricted_api_key']])(
      '401 %s is a permanent auth failure',
      async (name) => {
        server.script({ status: 401, name, message: 'no' })
        const error = await failure(transport().send(await outgoing()))
        expect(error).toMatchObject({ code: 'KIT_MAILER_AUTH_FAILED', kind: 'permanent', status: 401 })
      },
    )

    it('an invalid key is 403 invalid_api_key: permanent auth failure, key not shown', async () => {
      const error = await failure(transport({ apiKey: 're_wrongwrongwrong123' }).send(await outgoing()))
      expect(error).toMatchObject({ code: 'KIT_MAILER_AUTH_FAILED', kind: 'permanent', status: 403 })
      expect(error.message).not.toContain('re_wrongwrongwrong123')
    })

    it('an unverified domain is a permanent 403 validation_error', async () => {
      const error = await failure(transport().send(await outgoing({ from: 'me@elsewhere.org' })))
      expect(error).toMatchObject({ code: 'KIT_MAILER_REJECTED', kind: 'permanent', status: 403 })
      expect(error.message).toContain('The elsewhere.org domain is not verified')
    })

    it.each([
      [400, 'validation_error'],
      [413, 'validation_error'],
      [422, 'invalid_parameter'],
      [451, 'security_error'],
    ])('%s %s is permanent', async (status, name) => {
      server.script({ status, name, message: 'refused' })
      const error = await failure(transport().send(await outgoing()))
      expect(error).toMatchObject({
        code: 'KIT_MAILER_REJECTED',
        kind: 'permanent',
        status,
        maybeDelivered: false,
      })
      expect(error.message).toBe(`resend (${status}): refused [${name}]`)
    })

    it('a body over the size limit is refused with 413', async () => {
      const error = await failure(
        transport().send(
          await outgoing({ attachments: [{ filename: 'big.txt', content: 'x'.repeat(80 * 1024) }] }),
        ),
      )
      expect(error).toMatchObject({ kind: 'permanent', status: 413 })
    })

    it('429 rate_limit_exceeded is transient with retry-after', async () => {
      server.script({ status: 429, name: 'rate_limit_exceeded', retryAfter: 2 })
      const error = await failure(transport().send(await outgoing()))
      expect(error).toMatchObject({
        code: 'KIT_MAILER_RATE_LIMITED',
        kind: 'transient',
        maybeDelivered: false,
        retryAfterMs: 2000,
        retrySameProvider: true,
      })
    })

    it('429 daily_quota_exceeded says retrying Resend soon is pointless', async () => {
      server.script({ status: 429, name: 'daily_quota_exceeded', retryAfter: 3600 })
      const error = await failure(transport().send(await outgoing()))
      expect(error).toMatchObject({
        code: 'KIT_MAILER_RATE_LIMITED',
        retrySameProvider: false,
        retryAfterMs: undefined,
      })
    })

    it('408 request timeout is transient and not delivered', async () => {
      server.script({ status: 408, name: 'request_timeout' })
      expect(await failure(transport().send(await outgoing()))).toMatchObject({
        kind: 'transient',
        maybeDelivered: false,
        status: 408,
      })
    })

    it('500 is transient and may have delivered', async () => {
      server.script({ status: 500, name: 'internal_server_error' })
      expect(await failure(transport().send(await outgoing()))).toMatchObject({
        kind: 'transient',
        maybeDelivered: true,
        status: 500,
      })
    })

    it('503 is transient and not delivered; the every-answer ratelimit-reset is not a Retry-After', async () => {
      server.script({ status: 503 })
      const error = await failure(transport().send(await outgoing()))
      expect(error).toMatchObject({ kind: 'transient', maybeDelivered: false, retryAfterMs: undefined })
    })

    it('a request with no answer times out within timeoutMs', async () => {
      server.script({ status: 0, hang: true })
      const started = Date.now()
      const error = await failure(transport({ timeoutMs: 300 }).send(await outgoing()))
      expect(Date.now() - started).toBeLessThan(2000)
      expect(error).toMatchObject({ code: 'KIT_MAILER_TIMEOUT', maybeDelivered: true })
    })
  })

  describe('verify', () => {
    it('passes for a full-access key', async () => {
      await expect(transport().verify()).resolves.toBe('API key accepted')
    })

    it('passes for a sending-only key (restricted_api_key on /domains proves it is valid)', async () => {
      await expect(transport({ apiKey: RESEND_SENDING_KEY }).verify()).resolves.toBe(
        'sending-only API key accepted',
      )
    })

    it('fails for an invalid key', async () => {
      await expect(transport({ apiKey: 're_invalidinvalid' }).verify()).rejects.toMatchObject({
        code: 'KIT_MAILER_AUTH_FAILED',
      })
    })
  })

  describe('options', () => {
    it('needs an API key', () => {
      expect(() => createResendTransport({})).toThrow(
        expect.objectContaining({
          code: 'KIT_MAILER_MISSING_CREDENTIALS',
          message: expect.stringContaining('RESEND_API_KEY'),
        }),
      )
    })

    it('refuses a non-http baseUrl', () => {
      expect(() => createResendTransport({ apiKey: RESEND_TEST_KEY, baseUrl: 'file:///etc' })).toThrow(
        expect.objectContaining({ code: 'KIT_MAILER_INVALID_OPTION' }),
      )
    })
  })
})
