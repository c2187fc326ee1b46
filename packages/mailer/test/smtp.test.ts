import { generateKeyPairSync } from 'node:crypto'
import { freePort, MemoryStream } from '@kit/test-utils'
import pino from 'pino'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { MailProviderError } from '../src/provider-error.ts'
import { createSmtpTransport, type SmtpTransportOptions } from '../src/transports/smtp.ts'
import { outgoing, testMailTransport } from './conformance.ts'
import { parseRawMail } from './received-mail.ts'
import {
  SMTP_PASS,
  SMTP_USER,
  type SmtpTestServer,
  startSilentServer,
  startSmtpTestServer,
} from './smtp-test-server.ts'
import { testCertificate } from './tls-cert.ts'

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable(),
    (e) => e as MailProviderError,
  )

testMailTransport('smtp', async () => {
  const server = await startSmtpTestServer()
  const transport = createSmtpTransport({
    url: server.url(),
    requireTLS: true,
    tls: { ca: testCertificate().cert },
  })
  return {
    transport,
    received: () => Promise.all(server.received.map((m) => parseRawMail(m.raw, m.to))),
    stop: () => server.close(),
  }
})

describe('smtp transport', () => {
  let server: SmtpTestServer
  const opened: { close(): Promise<void> | void }[] = []
  beforeAll(async () => {
    server = await startSmtpTestServer()
  })
  afterAll(async () => {
    for (const t of opened) await t.close()
    await server.close()
  })
  beforeEach(() => {
    server.received.length = 0
    server.rejectRecipients.clear()
    server.deferRecipients.clear()
  })
  const transport = (options: SmtpTransportOptions = {}, env = 'production') => {
    const created = createSmtpTransport(
      { url: server.url(), tls: { ca: testCertificate().cert }, ...options },
      { env: { NODE_ENV: env } },
    )
    opened.push(created)
    return created
  }

  describe('requireTLS', () => {
    it('upgrades with STARTTLS and authenticates before sending', async () => {
      await transport().send(await outgoing())
      expect(server.received).toHaveLength(1)
      expect(server.received[0]).toMatchObject({ secure: true, user: SMTP_USER })
    })

    it('refuses a server without STARTTLS outside development: KIT_MAILER_TLS_REQUIRED, nothing sent', async () => {
      const plain = await startSmtpTestServer({ starttls: false, auth: false })
      try {
        const t = createSmtpTransport(
          { url: `smtp://127.0.0.1:${plain.port}` },
          { env: { NODE_ENV: 'production' } },
        )
        const error = await failure(t.send(await outgoing()))
        await t.close()
        expect(error).toMatchObject({ code: 'KIT_MAILER_TLS_REQUIRED', kind: 'permanent', provider: 'smtp' })
        expect(plain.received).toHaveLength(0)
      } finally {
        await plain.close()
      }
    })

    it('sends to a plain local relay in development', async () => {
      const plain = await startSmtpTestServer({ starttls: false, auth: false })
      try {
        const t = createSmtpTransport(
          { url: `smtp://127.0.0.1:${plain.port}` },
          { env: { NODE_ENV: 'development' } },
        )
        await t.send(await outgoing())
        await t.close()
        expect(plain.received).toHaveLength(1)
        expect(plain.received[0]?.secure).toBe(false)
      } finally {
        await plain.close()
      }
    })

    it('refuses a certificate it cannot verify: KIT_MAILER_TLS_REQUIRED', async () => {
      const error = await failure(transport({ tls: {} }).send(await outgoing()))
      expect(error).toMatchObject({ code: 'KIT_MAILER_TLS_REQUIRED', kind: 'permanent' })
      expect(server.received).toHaveLength(0)
    })

    it('warns once when TLS is turned off outside development', () => {
      const stream = new MemoryStream()
      createSmtpTransport(
        { url: server.url(), requireTLS: false },
        { env: { NODE_ENV: 'production' }, log: pino(stream) },
      )
      expect(stream.lines()).toEqual([
        expect.objectContaining({ level: 40, msg: expect.stringContaining('smtp.requireTLS is off') }),
      ])
    })
  })

  describe('url', () => {
    it('speaks TLS from the first byte for smtps:// URLs', async () => {
      const tlsServer = await startSmtpTestServer({ implicitTls: true })
      try {
        const t = createSmtpTransport(
          { url: tlsServer.url(), tls: { ca: testCertificate().cert } },
          { env: { NODE_ENV: 'production' } },
        )
        await t.send(await outgoing())
        await t.close()
        expect(tlsServer.received[0]).toMatchObject({ secure: true, user: SMTP_USER })
      } finally {
        await tlsServer.close()
      }
    })

    it.each([['http://mail.example.com'], ['not a url'], ['smtp://']])('refuses %s', (url) => {
      expect(() => createSmtpTransport({ url })).toThrow(
        expect.objectContaining({ code: 'KIT_MAILER_INVALID_OPTION' }),
      )
    })

    it('does not print the password of a refused URL', () => {
      let thrown: Error | undefined
      try {
        createSmtpTransport({ url: 'http://user:hunter2-secret@mail.example.com' })
      } catch (error) {
        thrown = error as Error
      }
      expect(thrown?.message).toContain('http://mail.example.com')
      expect(thrown?.message).not.toContain('hunter2-secret')
    })

    it('needs a server', () => {
      expect(() => createSmtpTransport({})).toThrow(
        expect.objectContaining({
          code: 'KIT_MAILER_MISSING_CREDENTIALS',
          message: expect.stringContaining('SMTP_URL'),
        }),
      )
    })
  })

  describe('auth', () => {
    it('a wrong password is a permanent KIT_MAILER_AUTH_FAILED that does not show it', async () => {
      const error = await failure(
        transport({ url: server.url(SMTP_USER, 'wrong-password-123') }).send(await outgoing()),
      )
      expect(error).toMatchObject({
        code: 'KIT_MAILER_AUTH_FAILED',
        kind: 'permanent',
        maybeDelivered: false,
      })
      expect(error.message).not.toContain('wrong-password-123')
      expect(server.received).toHaveLength(0)
    })
  })

  describe('recipients', () => {
    it('reports a partial rejection instead of swallowing it', async () => {
      server.rejectRecipients.add('gone@example.com')
      const result = await transport().send(await outgoing({ to: ['rcpt@example.com', 'gone@example.com'] }))
      expect(result.accepted).toEqual(['rcpt@example.com'])
      expect(result.rejected).toEqual(['gone@example.com'])
      expect(server.received[0]?.to).toEqual(['rcpt@example.com'])
    })

    it('every recipient refused with 550 is a permanent KIT_MAILER_REJECTED', async () => {
      server.rejectRecipients.add('gone@example.com')
      const error = await failure(transport().send(await outgoing({ to: 'gone@example.com' })))
      expect(error).toMatchObject({ code: 'KIT_MAILER_REJECTED', kind: 'permanent', status: 550 })
    })

    it('a 451 deferral is transient and known not to have delivered', async () => {
      server.deferRecipients.add('later@example.com')
      const error = await failure(transport().send(await outgoing({ to: 'later@example.com' })))
      expect(error).toMatchObject({
        code: 'KIT_MAILER_PROVIDER_UNAVAILABLE',
        kind: 'transient',
        maybeDelivered: false,
        status: 451,
      })
    })
  })

  describe('timeouts', () => {
    it('a server that never greets fails within connectionTimeoutMs, known not to have delivered', async () => {
      const silent = await startSilentServer()
      try {
        const t = createSmtpTransport(
          { url: `smtp://127.0.0.1:${silent.port}`, connectionTimeoutMs: 300 },
          { env: { NODE_ENV: 'production' } },
        )
        const started = Date.now()
        const error = await failure(t.send(await outgoing()))
        expect(Date.now() - started).toBeLessThan(2000)
        expect(error).toMatchObject({ code: 'KIT_MAILER_TIMEOUT', kind: 'transient', maybeDelivered: false })
        await t.close()
      } finally {
        await silent.close()
      }
    })

    it('timeoutMs bounds a whole send even when every step keeps the socket busy', async () => {
      const silent = await startSilentServer()
      try {
        const t = createSmtpTransport(
          { url: `smtp://127.0.0.1:${silent.port}`, connectionTimeoutMs: 60_000, timeoutMs: 300 },
          { env: { NODE_ENV: 'production' } },
        )
        const started = Date.now()
        const error = await failure(t.send(await outgoing()))
        expect(Date.now() - started).toBeLessThan(2000)
        expect(error).toMatchObject({ code: 'KIT_MAILER_TIMEOUT', maybeDelivered: false })
        await t.close()
      } finally {
        await silent.close()
      }
    })

    it('a refused connection is transient and known not to have delivered', async () => {
      const port = await freePort()
      const t = createSmtpTransport({ url: `smtp://127.0.0.1:${port}` }, { env: { NODE_ENV: 'production' } })
      const error = await failure(t.send(await outgoing()))
      expect(error).toMatchObject({
        code: 'KIT_MAILER_PROVIDER_UNAVAILABLE',
        kind: 'transient',
        maybeDelivered: false,
      })
      await t.close()
    })
  })

  describe('dkim', () => {
    it('signs every message with the configured domain and selector', async () => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
      const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
      await transport({ dkim: { domainName: 'example.com', keySelector: 'kit1', privateKey: pem } }).send(
        await outgoing(),
      )
      const raw = server.received[0]?.raw.toString('utf8') ?? ''
      expect(raw).toMatch(/^DKIM-Signature: v=1; a=rsa-sha256;/m)
      expect(raw).toMatch(/\bd=example\.com;/)
      expect(raw).toMatch(/\bs=kit1;/)
    })

    it('refuses a private key that is not PEM', () => {
      expect(() =>
        createSmtpTransport({
          url: server.url(),
          dkim: { domainName: 'example.com', keySelector: 'kit1', privateKey: 'nope' },
        }),
      ).toThrow(expect.objectContaining({ code: 'KIT_MAILER_INVALID_OPTION' }))
    })

    it('refuses a missing selector', () => {
      expect(() =>
        createSmtpTransport({
          url: server.url(),
          dkim: { domainName: 'example.com', keySelector: '', privateKey: 'x' },
        }),
      ).toThrow(expect.objectContaining({ code: 'KIT_MAILER_INVALID_OPTION' }))
    })
  })

  describe('pool', () => {
    it('reuses one connection for consecutive messages', async () => {
      const t = transport()
      for (let i = 0; i < 3; i++) await t.send(await outgoing())
      expect(server.received).toHaveLength(3)
    })

    it('refuses maxConnections below 1', () => {
      expect(() => createSmtpTransport({ url: server.url(), maxConnections: 0 })).toThrow(
        expect.objectContaining({ code: 'KIT_MAILER_INVALID_OPTION' }),
      )
    })
  })

  describe('verify', () => {
    it('connects, upgrades and authenticates', async () => {
      await expect(transport().verify()).resolves.toBe('connected to 127.0.0.1 over TLS')
      expect(server.received).toHaveLength(0)
    })

    it('fails with KIT_MAILER_AUTH_FAILED for a wrong password', async () => {
      await expect(transport({ url: server.url(SMTP_USER, `${SMTP_PASS}x`) }).verify()).rejects.toMatchObject(
        { code: 'KIT_MAILER_AUTH_FAILED' },
      )
    })
  })
})
