import { AssertionError } from 'node:assert'
import { beforeEach, describe, expect, it } from 'vitest'
import { createFakeMailer, type FakeMailer } from '../src/index.ts'

describe('createFakeMailer', () => {
  let mailer: FakeMailer
  beforeEach(async () => {
    mailer = createFakeMailer()
    await mailer.send({
      to: 'Ada <ada@example.com>',
      cc: 'cc@example.com',
      subject: 'Your magic link',
      text: 'Sign in: https://app.example.com/l/abc',
      tags: { kind: 'magic-link' },
    })
    await mailer.send({
      to: 'bob@example.com',
      subject: 'Welcome',
      html: '<p>Welcome aboard</p>',
      headers: { 'X-Ref': 'w-1' },
    })
  })

  it('keeps sent messages in order', () => {
    expect(mailer.sent().map((m) => m.subject)).toEqual(['Your magic link', 'Welcome'])
    expect(mailer.providers).toEqual(['memory'])
  })

  it('sends from a default test sender', () => {
    expect(mailer.sent()[0]?.from).toEqual({ email: 'app@example.test', name: 'App' })
  })

  describe('assertSent', () => {
    it('finds a message by recipient (case-insensitive) and returns it', () => {
      const found = mailer.assertSent({ to: 'ADA@example.com' })
      expect(found.subject).toBe('Your magic link')
    })

    it('matches subject exactly, text and html by substring or RegExp', () => {
      mailer.assertSent({ subject: 'Welcome', html: 'aboard' })
      mailer.assertSent({ text: /https:\/\/app\.example\.com\/l\/\w+/ })
      expect(() => mailer.assertSent({ subject: 'Welcome aboard' })).toThrow(AssertionError)
    })

    it('matches cc, tags and headers', () => {
      mailer.assertSent({ cc: 'cc@example.com', tags: { kind: 'magic-link' } })
      mailer.assertSent({ headers: { 'X-Ref': 'w-1' } })
    })

    it('takes a predicate', () => {
      mailer.assertSent((m) => m.to.length === 1 && m.subject.startsWith('Your'))
    })

    it('checks a count', () => {
      mailer.assertSent({ to: 'bob@example.com' }, 1)
      expect(() => mailer.assertSent({ to: 'bob@example.com' }, 2)).toThrow('Expected 2 message(s)')
    })

    it('throws an AssertionError that lists what was sent', () => {
      expect(() => mailer.assertSent({ to: 'carol@example.com' })).toThrow(
        /Expected at least one message matching \{"to":"carol@example.com"\}, found 0\. Sent:\n {2}- to ada@example.com: "Your magic link"\n {2}- to bob@example.com: "Welcome"/,
      )
    })
  })

  describe('assertNotSent', () => {
    it('passes when nothing matches', () => {
      mailer.assertNotSent({ to: 'carol@example.com' })
    })

    it('throws when something matches', () => {
      expect(() => mailer.assertNotSent({ subject: /welcome/i })).toThrow(AssertionError)
    })

    it('without a matcher, asserts that nothing was sent at all', () => {
      expect(() => mailer.assertNotSent()).toThrow('Expected no message, found 2')
      mailer.clear()
      mailer.assertNotSent()
    })
  })

  it('validates like the real mailer: a CRLF subject still throws', async () => {
    await expect(
      mailer.send({ to: 'x@example.com', subject: 'Hi\r\nBcc: y@example.com', text: 'x' }),
    ).rejects.toMatchObject({
      code: 'KIT_MAILER_HEADER_INJECTION',
    })
    expect(mailer.sent()).toHaveLength(2)
  })

  it('takes a sender', async () => {
    const custom = createFakeMailer({ from: 'Acme <hello@acme.test>' })
    await custom.send({ to: 'x@example.com', subject: 's', text: 't' })
    custom.assertSent({ from: 'hello@acme.test' })
  })

  it('verifies and closes like a real mailer', async () => {
    await expect(mailer.verify()).resolves.toMatchObject({ ok: true })
    await mailer.close()
    await expect(mailer.send({ to: 'x@example.com', subject: 's', text: 't' })).rejects.toMatchObject({
      code: 'KIT_MAILER_CLOSED',
    })
  })
})
