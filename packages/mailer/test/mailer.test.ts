import { freePort, MemoryStream } from '@kit/test-utils'
import pino from 'pino'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createMailer, type MailerOptions } from '../src/index.ts'
import { type FakeResend, RESEND_TEST_KEY, startFakeResend } from './resend-server.ts'
import { type FakeSendGrid, SENDGRID_TEST_KEY, startFakeSendGrid } from './sendgrid-server.ts'
import { type SmtpTestServer, startSmtpTestServer } from './smtp-test-server.ts'
import { testCertificate } from './tls-cert.ts'

describe('mailer', () => {
  let sendgrid: FakeSendGrid
  let resend: FakeResend
  let smtp: SmtpTestServer
  let logs: MemoryStream
  beforeAll(async () => {
    ;[sendgrid, resend, smtp] = await Promise.all([
      startFakeSendGrid(),
      startFakeResend(),
      startSmtpTestServer(),
    ])
  })
  afterAll(async () => {
    await Promise.all([sendgrid.close(), resend.close(), smtp.close()])
  })
  beforeEach(() => {
    sendgrid.reset()
    resend.reset()
    smtp.received.length = 0
    smtp.rejectRecipients.clear()
    logs = new MemoryStream()
  })
  const mailer = (options: MailerOptions = {}) =>
    createMailer(
      {
        providers: ['sendgrid', 'resend'],
        sendgrid: { baseUrl: sendgrid.url },
        resend: { baseUrl: resend.url },
        smtp: { url: smtp.url(), tls: { ca: testCertificate().cert } },
        ...options,
      },
      {
        env: {
          NODE_ENV: 'production',
          MAIL_FROM: 'hello@example.com',
          SENDGRID_API_KEY: SENDGRID_TEST_KEY,
          RESEND_API_KEY: RESEND_TEST_KEY,
        },
        log: pino(logs),
      },
    )
  const message = { to: 'user@example.com', subject: 'Hello', text: 'Hi' }

  describe('verify', () => {
    it('reports every provider in the chain', async () => {
      const report = await mailer({ providers: ['sendgrid', 'resend', 'smtp'] }).verify()
      expect(report.ok).toBe(true)
      expect(report.providers).toEqual([
        expect.objectContaining({ name: 'sendgrid', ok: true, detail: 'API key has the mail.send scope' }),
        expect.objectContaining({ name: 'resend', ok: true, detail: 'API key accepted' }),
        expect.objectContaining({ name: 'smtp', ok: true, detail: 'connected to 127.0.0.1 over TLS' }),
      ])
      expect(sendgrid.deliveries.length + resend.deliveries.length + smtp.received.length).toBe(0)
    })

    it('resolves with ok: false when only a fallback works', async () => {
      const report = await mailer({ sendgrid: { baseUrl: sendgrid.url, apiKey: 'SG.revoked' } }).verify()
      expect(report.ok).toBe(false)
      expect(report.providers[0]).toMatchObject({
        name: 'sendgrid',
        ok: false,
        detail: expect.stringContaining('sendgrid (401)'),
      })
      expect(report.providers[1]).toMatchObject({ name: 'resend', ok: true })
    })

    it('throws KIT_MAILER_VERIFY_FAILED when no provider works, without secrets', async () => {
      const port = await freePort()
      const error = await mailer({
        sendgrid: { baseUrl: sendgrid.url, apiKey: 'SG.revoked-key-value' },
        resend: { baseUrl: `http://127.0.0.1:${port}` },
      })
        .verify()
        .catch((e) => e)
      expect(error).toMatchObject({ code: 'KIT_MAILER_VERIFY_FAILED' })
      expect(error.message).toContain('sendgrid: sendgrid (401)')
      expect(error.message).toContain('resend: resend: request to')
      expect(error.message).not.toContain('SG.revoked-key-value')
      expect(error.details.providers).toHaveLength(2)
    })
  })

  describe('healthCheck', () => {
    it('is a non-critical, cached check named mailer', () => {
      const check = mailer().healthCheck()
      expect(check).toMatchObject({ name: 'mailer', critical: false, cacheForMs: 60_000, timeoutMs: 10_000 })
    })

    it('passes when every provider verifies', async () => {
      await expect(mailer().healthCheck().check()).resolves.toEqual({
        status: 'pass',
        output: 'sendgrid: ok; resend: ok',
      })
    })

    it('warns when a fallback fails', async () => {
      const result = await mailer({ resend: { baseUrl: resend.url, apiKey: 're_wrongwrongwrong' } })
        .healthCheck()
        .check()
      expect(result).toMatchObject({
        status: 'warn',
        output: expect.stringMatching(/^sendgrid: ok; resend: resend \(403\)/),
      })
    })

    it('throws (fails) when nothing works', async () => {
      await expect(
        mailer({ providers: ['resend'], resend: { baseUrl: resend.url, apiKey: 're_wrongwrongwrong' } })
          .healthCheck()
          .check(),
      ).rejects.toMatchObject({
        code: 'KIT_MAILER_VERIFY_FAILED',
      })
    })

    it('takes overrides', () => {
      expect(
        mailer().healthCheck({ name: 'mail', critical: true, cacheForMs: 0, timeoutMs: 500 }),
      ).toMatchObject({
        name: 'mail',
        critical: true,
        cacheForMs: 0,
        timeoutMs: 500,
      })
    })
  })

  describe('close', () => {
    it('waits for a send in flight, then refuses new sends', async () => {
      resend.script({ status: 200, deliverFirst: true, delayMs: 300 })
      const m = mailer({ providers: ['resend'] })
      const sending = m.send(message)
      // In flight means the provider has it (it answers after 300 ms), not "50 ms have passed".
      await expect.poll(() => resend.requests.length, { timeout: 10_000 }).toBe(1)
      let closed = false
      const closing = m.close().then(() => {
        closed = true
      })
      await expect(m.send(message)).rejects.toMatchObject({ code: 'KIT_MAILER_CLOSED' })
      await sending.catch(() => {})
      await closing
      expect(closed).toBe(true)
      expect(resend.requests).toHaveLength(1)
    })

    it('can be called twice', async () => {
      const m = mailer({ providers: ['smtp'] })
      await m.send(message)
      await m.close()
      await expect(m.close()).resolves.toBeUndefined()
    })

    it('is offered as a shutdown hook', async () => {
      const m = mailer({ providers: ['smtp'] })
      const hook = m.shutdownHook()
      expect(hook).toMatchObject({ name: 'mailer', timeoutMs: 10_000 })
      await m.send(message)
      await hook.close()
      await expect(m.send(message)).rejects.toMatchObject({ code: 'KIT_MAILER_CLOSED' })
    })
  })

  describe('smtp in the chain', () => {
    it('reports and logs a partial rejection', async () => {
      smtp.rejectRecipients.add('gone@example.com')
      const m = mailer({ providers: ['smtp'] })
      const result = await m.send({ ...message, to: ['user@example.com', 'gone@example.com'] })
      await m.close()
      expect(result).toMatchObject({
        provider: 'smtp',
        accepted: ['user@example.com'],
        rejected: ['gone@example.com'],
      })
      expect(logs.lines()).toEqual([
        expect.objectContaining({
          level: 40,
          provider: 'smtp',
          rejected: 1,
          accepted: 1,
          msg: 'mailer: smtp refused 1 of the recipients; the others were sent',
        }),
      ])
    })

    it('fails over from an unreachable SMTP server to Resend', async () => {
      const port = await freePort()
      const m = mailer({
        providers: ['smtp', 'resend'],
        smtp: { url: `smtp://u:p@127.0.0.1:${port}`, tls: { ca: testCertificate().cert } },
      })
      const result = await m.send(message)
      await m.close()
      expect(result.provider).toBe('resend')
      expect(resend.deliveries).toHaveLength(1)
    })
  })

  it('exposes the chain', () => {
    expect(mailer({ providers: ['resend', 'sendgrid'] }).providers).toEqual(['resend', 'sendgrid'])
  })
})
