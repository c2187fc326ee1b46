import { MemoryStream } from '@kit/test-utils'
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { createMailer, type MailerEnv, type MailerOptions, type MailTransport } from '../src/index.ts'
import { RESEND_TEST_KEY } from './resend-server.ts'
import { SENDGRID_TEST_KEY } from './sendgrid-server.ts'

const keys: MailerEnv = {
  SENDGRID_API_KEY: SENDGRID_TEST_KEY,
  RESEND_API_KEY: RESEND_TEST_KEY,
  SMTP_URL: 'smtps://u:p@smtp.example.com:465',
}
const build = (options: MailerOptions, env: MailerEnv, log = new MemoryStream()) =>
  createMailer(options, { env, log: pino(log) })
const thrown = (fn: () => unknown): { code?: string; message: string } => {
  try {
    fn()
  } catch (error) {
    return error as { code?: string; message: string }
  }
  throw new Error('expected a throw')
}

describe('createMailer options', () => {
  describe('providers', () => {
    it('reads the failover chain from MAIL_PROVIDER as a string', () => {
      expect(build({}, { ...keys, MAIL_PROVIDER: ' SendGrid , resend ' }).providers).toEqual([
        'sendgrid',
        'resend',
      ])
    })

    it('reads the chain as the array @kit/env parses it into', () => {
      expect(build({}, { ...keys, MAIL_PROVIDER: ['resend', 'smtp'] }).providers).toEqual(['resend', 'smtp'])
    })

    it('code beats env', () => {
      expect(build({ providers: 'resend' }, { ...keys, MAIL_PROVIDER: 'sendgrid' }).providers).toEqual([
        'resend',
      ])
    })

    it('takes custom transports in the chain', () => {
      const custom: MailTransport = {
        name: 'postmark',
        send: async () => ({ messageId: 'x', accepted: [], rejected: [] }),
      }
      expect(build({ providers: [custom, 'resend'] }, keys).providers).toEqual(['postmark', 'resend'])
    })

    it('defaults to the memory transport under NODE_ENV=test, even with keys set', () => {
      expect(build({}, { ...keys, NODE_ENV: 'test' }).providers).toEqual(['memory'])
    })

    it('defaults to .eml files in development', () => {
      expect(build({}, { ...keys, NODE_ENV: 'development' }).providers).toEqual(['file'])
    })

    it('in production, chains every provider whose credentials are set', () => {
      expect(build({}, { ...keys, NODE_ENV: 'production' }).providers).toEqual(['sendgrid', 'resend', 'smtp'])
      expect(build({}, { NODE_ENV: 'production', RESEND_API_KEY: RESEND_TEST_KEY }).providers).toEqual([
        'resend',
      ])
    })

    it('in production with nothing configured, writes files and warns once', () => {
      const log = new MemoryStream()
      expect(build({}, { NODE_ENV: 'production', MAIL_FROM: 'a@example.com' }, log).providers).toEqual([
        'file',
      ])
      expect(log.lines()).toEqual([
        expect.objectContaining({
          level: 40,
          msg: expect.stringContaining('mail is written to .kit/mail, not delivered'),
        }),
      ])
    })

    it('refuses an unknown provider, suggesting the closest name', () => {
      const error = thrown(() => build({}, { ...keys, MAIL_PROVIDER: 'sendgird,resend' }))
      expect(error).toMatchObject({ code: 'KIT_MAILER_UNKNOWN_PROVIDER' })
      expect(error.message).toContain('"sendgird" (did you mean "sendgrid"?)')
    })

    it('refuses a provider listed twice', () => {
      expect(thrown(() => build({ providers: ['resend', 'resend'] }, keys))).toMatchObject({
        code: 'KIT_MAILER_INVALID_OPTION',
      })
    })

    it('refuses an empty chain', () => {
      expect(thrown(() => build({ providers: [] }, keys))).toMatchObject({
        code: 'KIT_MAILER_INVALID_OPTION',
      })
    })

    it('refuses a custom transport without send()', () => {
      expect(thrown(() => build({ providers: [{ name: 'x' } as MailTransport] }, keys))).toMatchObject({
        code: 'KIT_MAILER_INVALID_OPTION',
      })
    })

    it.each([
      ['sendgrid', 'SENDGRID_API_KEY'],
      ['resend', 'RESEND_API_KEY'],
      ['smtp', 'SMTP_URL'],
    ])('refuses %s without %s', (provider, name) => {
      const error = thrown(() => build({}, { MAIL_PROVIDER: provider }))
      expect(error.code).toBe('KIT_MAILER_MISSING_CREDENTIALS')
      expect(error.message).toContain(name)
    })

    it('an explicit undefined in provider settings does not hide the env key', () => {
      expect(build({ providers: 'sendgrid', sendgrid: { apiKey: undefined } }, keys).providers).toEqual([
        'sendgrid',
      ])
    })

    it('warns when a key looks like another provider key', () => {
      const log = new MemoryStream()
      build({ providers: 'sendgrid' }, { SENDGRID_API_KEY: RESEND_TEST_KEY }, log)
      expect(log.text()).toContain('SENDGRID_API_KEY does not start with \\"SG.\\"')
      expect(log.text()).not.toContain(RESEND_TEST_KEY)
    })
  })

  describe('from', () => {
    it('reads MAIL_FROM', async () => {
      const mailer = build({ providers: 'memory' }, { MAIL_FROM: 'Acme <hello@example.com>' })
      await expect(mailer.send({ to: 'u@example.com', subject: 's', text: 't' })).resolves.toMatchObject({
        provider: 'memory',
      })
    })

    it('refuses an invalid MAIL_FROM at creation', () => {
      const error = thrown(() => build({ providers: 'memory' }, { MAIL_FROM: 'hello at example' }))
      expect(error).toMatchObject({ code: 'KIT_MAILER_INVALID_FROM' })
      expect(error.message).toContain('"hello at example"')
    })

    it('warns in production when MAIL_FROM is missing', () => {
      const log = new MemoryStream()
      build(
        { providers: 'resend' },
        { NODE_ENV: 'production', RESEND_API_KEY: 're_test_key_0123456789' },
        log,
      )
      expect(log.text()).toContain('MAIL_FROM is not set')
    })

    it('gives mail that stays on this machine (.eml files, memory) a reserved sender, so development needs no MAIL_FROM', async () => {
      const mailer = createMailer({ providers: 'memory' }, { env: { NODE_ENV: 'development' } })
      const result = await mailer.send({ to: 'user@example.com', subject: 'Hi', text: 'Hello' })
      expect(result.accepted).toEqual(['user@example.com'])
    })
  })

  describe('unknown options', () => {
    it('are refused with a suggestion', () => {
      const error = thrown(() => build({ retry: 3 } as MailerOptions, keys))
      expect(error).toMatchObject({ code: 'KIT_MAILER_INVALID_OPTION' })
      expect(error.message).toBe('Mailer option `retry` is not a mailer option (did you mean "retries"?).')
    })
  })

  describe('numbers and switches', () => {
    it.each([
      ['retries', -1],
      ['retries', 11],
      ['retries', 1.5],
      ['retryDelayMs', 0],
      ['maxRetryDelayMs', '5s'],
      ['timeoutMs', -1],
      ['maxRecipients', 0],
      ['allowDuplicates', 'yes'],
      ['disableFileAccess', 1],
      ['disableUrlAccess', null],
    ])('refuses %s = %j', (name, value) => {
      const error = thrown(() => build({ providers: 'memory', [name]: value } as MailerOptions, {}))
      expect(error).toMatchObject({
        code: 'KIT_MAILER_INVALID_OPTION',
        message: expect.stringContaining(`\`${name}\``),
      })
    })

    it('accepts retries = 0', () => {
      expect(build({ providers: 'memory', retries: 0 }, {}).providers).toEqual(['memory'])
    })
  })

  describe('smtp', () => {
    it('takes SMTP_URL and requires TLS in production', () => {
      const log = new MemoryStream()
      build(
        { providers: 'smtp' },
        { NODE_ENV: 'production', MAIL_FROM: 'a@example.com', SMTP_URL: 'smtp://u:p@smtp.example.com:587' },
        log,
      )
      expect(log.text()).toBe('')
    })

    it('warns when TLS is turned off in production', () => {
      const log = new MemoryStream()
      build(
        { providers: 'smtp', smtp: { requireTLS: false } },
        { NODE_ENV: 'production', MAIL_FROM: 'a@example.com', SMTP_URL: 'smtp://u:p@smtp.example.com:587' },
        log,
      )
      expect(log.text()).toContain('smtp.requireTLS is off')
    })
  })
})
