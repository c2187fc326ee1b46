import { freePort, MemoryStream } from '@kit/test-utils'
import pino from 'pino'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createMailer, type MailerOptions } from '../src/index.ts'
import { type FakeResend, RESEND_TEST_KEY, startFakeResend } from './resend-server.ts'
import { type FakeSendGrid, SENDGRID_TEST_KEY, startFakeSendGrid } from './sendgrid-server.ts'

describe('failover and retries', () => {
  let sendgrid: FakeSendGrid
  let resend: FakeResend
  let logs: MemoryStream
  let duplicatesAllowed = false

  beforeAll(async () => {
    ;[sendgrid, resend] = await Promise.all([startFakeSendGrid(), startFakeResend()])
  })
  afterAll(async () => {
    await Promise.all([sendgrid.close(), resend.close()])
  })
  beforeEach(() => {
    sendgrid.reset()
    resend.reset()
    logs = new MemoryStream()
    duplicatesAllowed = false
  })
  // Whatever a test does, a message reaches at most one provider, once.
  afterEach(() => {
    if (duplicatesAllowed) return
    const subjects = [...sendgrid.received(), ...resend.received()].map((m) => m.subject)
    expect(new Set(subjects).size, `no message delivered twice (${subjects.join(', ')})`).toBe(
      subjects.length,
    )
  })

  const mailer = (options: MailerOptions = {}) =>
    createMailer(
      {
        providers: ['sendgrid', 'resend'],
        sendgrid: { baseUrl: sendgrid.url },
        resend: { baseUrl: resend.url },
        retryDelayMs: 20,
        ...options,
      },
      {
        env: {
          NODE_ENV: 'production',
          MAIL_FROM: 'Acme <hello@example.com>',
          SENDGRID_API_KEY: SENDGRID_TEST_KEY,
          RESEND_API_KEY: RESEND_TEST_KEY,
        },
        log: pino(logs),
      },
    )
  const message = (subject = `Welcome ${Math.random()}`) => ({ to: 'user@example.com', subject, text: 'Hi' })
  const warnings = () =>
    logs
      .lines()
      .filter((l) => l.level === 40)
      .map((l) => l.msg as string)

  it('sends through the first provider when it works', async () => {
    const result = await mailer().send(message())
    expect(result).toMatchObject({
      provider: 'sendgrid',
      attempts: 1,
      accepted: ['user@example.com'],
      rejected: [],
    })
    expect(result.messageId).toBe(sendgrid.deliveries[0]?.messageId)
    expect(resend.requests).toHaveLength(0)
  })

  describe('rate limits (429)', () => {
    it('waits for Retry-After, then succeeds on the same provider', async () => {
      sendgrid.script({ status: 429, retryAfter: 1 })
      const started = Date.now()
      const result = await mailer().send(message())
      expect(Date.now() - started).toBeGreaterThanOrEqual(900)
      expect(result).toMatchObject({ provider: 'sendgrid', attempts: 2 })
      expect(sendgrid.requests.map((r) => r.answeredWith)).toEqual([429, 202])
      expect(resend.requests).toHaveLength(0)
      expect(warnings()).toEqual([expect.stringMatching(/too many requests; retrying sendgrid in \d+ ms/)])
    })

    it('fails over instead of waiting longer than maxRetryDelayMs', async () => {
      sendgrid.script({ status: 429, retryAfter: 60 })
      const started = Date.now()
      const result = await mailer({ maxRetryDelayMs: 2000 }).send(message())
      expect(Date.now() - started).toBeLessThan(2000)
      expect(result.provider).toBe('resend')
      expect(sendgrid.deliveries).toHaveLength(0)
    })

    it('fails over at once on a Resend quota error rather than waiting for it to reset', async () => {
      resend.script({ status: 429, name: 'daily_quota_exceeded', retryAfter: 1 })
      const result = await mailer({ providers: ['resend', 'sendgrid'] }).send(message())
      expect(result).toMatchObject({ provider: 'sendgrid', attempts: 2 })
      expect(resend.requests).toHaveLength(1)
    })
  })

  describe('outages', () => {
    it('SendGrid 503 fails over to Resend, which delivers once', async () => {
      sendgrid.script({ status: 503 })
      const result = await mailer().send(message())
      expect(result).toMatchObject({ provider: 'resend', attempts: 2 })
      expect(sendgrid.requests).toHaveLength(1)
      expect(sendgrid.deliveries).toHaveLength(0)
      expect(resend.deliveries).toHaveLength(1)
      expect(warnings()).toEqual(['mailer: sendgrid (503): service unavailable; failing over to resend'])
    })

    it('a refused connection fails over (the request provably never left)', async () => {
      const port = await freePort()
      const result = await mailer({ sendgrid: { baseUrl: `http://127.0.0.1:${port}` } }).send(message())
      expect(result.provider).toBe('resend')
      expect(resend.deliveries).toHaveLength(1)
    })

    it('retries the last provider with backoff before giving up', async () => {
      resend.script({ status: 503 }, { status: 503 })
      const result = await mailer({ providers: ['resend'] }).send(message())
      expect(result).toMatchObject({ provider: 'resend', attempts: 3 })
      expect(resend.deliveries).toHaveLength(1)
    })

    it('when every provider fails, throws KIT_MAILER_SEND_FAILED listing each attempt', async () => {
      sendgrid.script({ status: 503 })
      resend.script({ status: 503 }, { status: 503 }, { status: 503 })
      const error = await mailer()
        .send(message())
        .catch((e) => e)
      expect(error).toMatchObject({ code: 'KIT_MAILER_SEND_FAILED' })
      expect(error.message).toContain('nothing was delivered')
      expect(error.details.attempts).toEqual([
        expect.objectContaining({ provider: 'sendgrid', status: 503 }),
        expect.objectContaining({ provider: 'resend', status: 503 }),
        expect.objectContaining({ provider: 'resend', status: 503 }),
        expect.objectContaining({ provider: 'resend', status: 503 }),
      ])
      expect(sendgrid.deliveries.length + resend.deliveries.length).toBe(0)
    })
  })

  describe('permanent failures stop without failover', () => {
    it('an invalid SendGrid key throws KIT_MAILER_AUTH_FAILED naming the provider; Resend is not tried', async () => {
      const error = await mailer({ sendgrid: { baseUrl: sendgrid.url, apiKey: 'SG.revoked' } })
        .send(message())
        .catch((e) => e)
      expect(error).toMatchObject({ code: 'KIT_MAILER_AUTH_FAILED', provider: 'sendgrid', status: 401 })
      expect(error.message).toMatch(/^sendgrid \(401\): /)
      expect(resend.requests).toHaveLength(0)
    })

    it('a validation error (400) is not retried anywhere', async () => {
      sendgrid.script({ status: 400 })
      await expect(mailer().send(message())).rejects.toMatchObject({ code: 'KIT_MAILER_REJECTED' })
      expect(sendgrid.requests).toHaveLength(1)
      expect(resend.requests).toHaveLength(0)
    })

    it('an invalid Resend key stops before SendGrid', async () => {
      const error = await mailer({
        providers: ['resend', 'sendgrid'],
        resend: { baseUrl: resend.url, apiKey: 're_revokedrevoked' },
      })
        .send(message())
        .catch((e) => e)
      expect(error).toMatchObject({ code: 'KIT_MAILER_AUTH_FAILED', provider: 'resend', status: 403 })
      expect(sendgrid.requests).toHaveLength(0)
    })
  })

  describe('never twice', () => {
    it('a SendGrid timeout is bounded and not failed over: the mail may already be queued', async () => {
      sendgrid.script({ status: 0, hang: true })
      const started = Date.now()
      const error = await mailer({ timeoutMs: 300 })
        .send(message())
        .catch((e) => e)
      expect(Date.now() - started).toBeLessThan(2000)
      expect(error).toMatchObject({ code: 'KIT_MAILER_DELIVERY_UNCERTAIN' })
      expect(error.message).toContain('no answer within 300 ms')
      expect(error.cause).toMatchObject({ code: 'KIT_MAILER_TIMEOUT', provider: 'sendgrid' })
      expect(sendgrid.requests).toHaveLength(1)
      expect(resend.requests).toHaveLength(0)
    })

    it('a SendGrid 500 after queueing is not retried or failed over', async () => {
      sendgrid.script({ status: 500, deliverFirst: true })
      const error = await mailer()
        .send(message())
        .catch((e) => e)
      expect(error).toMatchObject({ code: 'KIT_MAILER_DELIVERY_UNCERTAIN' })
      expect(sendgrid.deliveries).toHaveLength(1)
      expect(sendgrid.requests).toHaveLength(1)
      expect(resend.requests).toHaveLength(0)
    })

    it('Resend is retried after a 500 with the same Idempotency-Key, and delivers once', async () => {
      resend.script({ status: 500, deliverFirst: true })
      const result = await mailer({ providers: ['resend', 'sendgrid'] }).send(message())
      expect(result).toMatchObject({ provider: 'resend', attempts: 2 })
      expect(resend.requests).toHaveLength(2)
      const [first, second] = resend.requests.map((r) => r.idempotencyKey)
      expect(first).toMatch(/^[0-9a-f-]{36}$/)
      expect(second).toBe(first)
      expect(resend.deliveries).toHaveLength(1)
      expect(result.messageId).toBe(resend.deliveries[0]?.id)
      expect(sendgrid.requests).toHaveLength(0)
    })

    it('Resend is retried after a timeout with the same key the caller chose', async () => {
      resend.script({ status: 0, hang: true })
      const result = await mailer({ providers: ['resend', 'sendgrid'], timeoutMs: 300 }).send({
        ...message(),
        idempotencyKey: 'welcome-user-42',
      })
      expect(result.provider).toBe('resend')
      expect(resend.requests.map((r) => r.idempotencyKey)).toEqual(['welcome-user-42', 'welcome-user-42'])
      expect(resend.deliveries).toHaveLength(1)
      expect(sendgrid.requests).toHaveLength(0)
    })

    it('a Resend 409 concurrent_idempotent_requests is retried on Resend only', async () => {
      resend.script({ status: 409, name: 'concurrent_idempotent_requests', retryAfter: 0 })
      const result = await mailer({ providers: ['resend', 'sendgrid'] }).send(message())
      expect(result).toMatchObject({ provider: 'resend', attempts: 2 })
      expect(sendgrid.requests).toHaveLength(0)
    })

    it('Resend failures that may have delivered are never handed to SendGrid', async () => {
      resend.script({ status: 500 }, { status: 500 }, { status: 500 })
      const error = await mailer({ providers: ['resend', 'sendgrid'] })
        .send(message())
        .catch((e) => e)
      expect(error).toMatchObject({ code: 'KIT_MAILER_DELIVERY_UNCERTAIN' })
      expect(error.details.attempts).toHaveLength(3)
      expect(new Set(resend.requests.map((r) => r.idempotencyKey)).size).toBe(1)
      expect(sendgrid.requests).toHaveLength(0)
    })

    it('allowDuplicates: true fails over even when the first provider may have delivered', async () => {
      duplicatesAllowed = true
      sendgrid.script({ status: 500, deliverFirst: true })
      const result = await mailer({ allowDuplicates: true }).send(message())
      expect(result.provider).toBe('resend')
      expect(sendgrid.deliveries.length + resend.deliveries.length).toBe(2)
    })
  })

  describe('validation before any network call', () => {
    it.each([
      ['a CRLF in the subject', { subject: 'Hi\r\nBcc: victim@example.com' }],
      ['a LF in a header value', { headers: { 'X-Ref': 'a\nBcc: victim@example.com' } }],
      ['a CRLF in a display name', { to: 'Eve\r\nBcc: victim@example.com <eve@example.com>' }],
    ])('refuses %s with KIT_MAILER_HEADER_INJECTION; no provider is called', async (_name, override) => {
      const error = await mailer()
        .send({ ...message(), ...override })
        .catch((e) => e)
      expect(error).toMatchObject({ code: 'KIT_MAILER_HEADER_INJECTION' })
      expect(sendgrid.requests.length + resend.requests.length).toBe(0)
    })
  })

  describe('cancellation', () => {
    it('an aborted signal stops a retry wait at once', async () => {
      sendgrid.script({ status: 429, retryAfter: 4 })
      const controller = new AbortController()
      setTimeout(() => controller.abort(new Error('request closed')), 100)
      const started = Date.now()
      await expect(mailer().send(message(), { signal: controller.signal })).rejects.toThrow('request closed')
      expect(Date.now() - started).toBeLessThan(2000)
      expect(resend.requests).toHaveLength(0)
    })
  })
})
