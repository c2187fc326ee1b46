/**
 * The contract every mail transport keeps, run by each driver's test file
 * against a real receiver (SMTP server, SendGrid/Resend stand-ins, .eml
 * files, memory). Each case sends a message with a unique subject and looks
 * for it on the receiving side.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { prepareMessage } from '../src/message.ts'
import type { MailTransport, OutgoingMessage, SendMailInput } from '../src/types.ts'
import type { ReceivedMail } from './received-mail.ts'

export interface TransportHarness {
  transport: MailTransport
  /** Everything the receiving side has got so far. */
  received(): Promise<ReceivedMail[]> | ReceivedMail[]
  /** Stops the receiver (the transport is closed by the suite). */
  stop(): Promise<void> | void
}

/** Builds a validated message the way the mailer does. */
export function outgoing(input: Partial<SendMailInput> = {}): Promise<OutgoingMessage> {
  return prepareMessage(
    { to: 'rcpt@example.com', subject: `test ${randomUUID()}`, text: 'Hello', ...input },
    {
      from: { email: 'sender@example.com', name: 'Kit Tests' },
      maxRecipients: 50,
      disableFileAccess: true,
      disableUrlAccess: true,
      timeoutMs: 5000,
    },
  )
}

// Every byte value, so a transport that mangles binary (UTF-8 round trips, line endings) is caught.
const BINARY = Buffer.from(Array.from({ length: 256 }, (_, i) => i))

export function testMailTransport(name: string, setup: () => Promise<TransportHarness>): void {
  describe(`${name} transport: conformance`, () => {
    let harness: TransportHarness
    const find = async (subject: string): Promise<ReceivedMail> => {
      const found = (await harness.received()).filter((m) => m.subject === subject)
      expect(found, `exactly one message with subject "${subject}" arrives`).toHaveLength(1)
      return found[0] as ReceivedMail
    }

    beforeAll(async () => {
      harness = await setup()
    })
    afterAll(async () => {
      await harness?.transport.close?.()
      await harness?.stop()
    })

    it('has a name', () => {
      expect(harness.transport.name).toMatch(/^[a-z0-9-]+$/)
    })

    it('delivers text and html and reports the accepted recipient', async () => {
      const message = await outgoing({ text: 'Plain body', html: '<p>HTML <b>body</b></p>' })
      const result = await harness.transport.send(message)
      expect(result.messageId).toEqual(expect.any(String))
      expect(result.messageId.length).toBeGreaterThan(0)
      expect(result.accepted).toEqual(['rcpt@example.com'])
      expect(result.rejected).toEqual([])
      const mail = await find(message.subject)
      expect(mail.from).toEqual({ email: 'sender@example.com', name: 'Kit Tests' })
      expect(mail.to).toEqual(['rcpt@example.com'])
      expect(mail.text).toBe('Plain body')
      expect(mail.html).toBe('<p>HTML <b>body</b></p>')
    })

    it('delivers an html-only message', async () => {
      const message = await outgoing({ text: undefined, html: '<p>Only HTML</p>' })
      await harness.transport.send(message)
      expect((await find(message.subject)).html).toBe('<p>Only HTML</p>')
    })

    it('delivers to cc and bcc in their roles', async () => {
      const message = await outgoing({
        cc: 'copy@example.com',
        bcc: ['hidden@example.com', 'Hidden Two <h2@example.com>'],
      })
      const result = await harness.transport.send(message)
      expect(result.accepted.sort()).toEqual([
        'copy@example.com',
        'h2@example.com',
        'hidden@example.com',
        'rcpt@example.com',
      ])
      const mail = await find(message.subject)
      expect(mail.cc).toEqual(['copy@example.com'])
      expect(mail.bcc.sort()).toEqual(['h2@example.com', 'hidden@example.com'])
    })

    it('keeps Unicode in the subject, the display name and the body', async () => {
      const subject = `Grüße ✓ ${randomUUID()}`
      const message = await outgoing({
        subject,
        from: { email: 'sender@example.com', name: 'Zoë Müller, Ltd.' },
        text: 'Ça marche — 日本語',
      })
      await harness.transport.send(message)
      const mail = await find(subject)
      expect(mail.from.name).toBe('Zoë Müller, Ltd.')
      expect(mail.text).toBe('Ça marche — 日本語')
    })

    it('delivers binary and inline attachments byte for byte', async () => {
      const message = await outgoing({
        html: '<p><img src="cid:logo@kit"></p>',
        attachments: [
          { filename: 'bytes.bin', content: BINARY, contentType: 'application/octet-stream' },
          { filename: 'report.csv', content: 'a,b\n1,2\n' },
          { filename: 'logo.png', content: BINARY, disposition: 'inline', contentId: 'logo@kit' },
        ],
      })
      await harness.transport.send(message)
      const mail = await find(message.subject)
      const byName = new Map(mail.attachments.map((a) => [a.filename, a]))
      expect(byName.get('bytes.bin')?.content.equals(BINARY)).toBe(true)
      expect(byName.get('report.csv')?.content.toString('utf8')).toBe('a,b\n1,2\n')
      expect(byName.get('report.csv')?.contentType).toBe('text/csv')
      expect(byName.get('logo.png')?.contentId).toBe('logo@kit')
      expect(byName.get('logo.png')?.content.equals(BINARY)).toBe(true)
    })

    it('passes custom headers and reply-to through', async () => {
      const message = await outgoing({
        headers: { 'X-Entity-Ref-ID': 'order-42' },
        replyTo: 'Support <support@example.com>',
      })
      await harness.transport.send(message)
      const mail = await find(message.subject)
      expect(mail.headers['x-entity-ref-id']).toBe('order-42')
      expect(mail.replyTo).toEqual(['support@example.com'])
    })

    it('gives each message its own id', async () => {
      const first = await harness.transport.send(await outgoing())
      const second = await harness.transport.send(await outgoing())
      expect(first.messageId).not.toBe(second.messageId)
    })

    it('verifies without sending', async () => {
      const before = (await harness.received()).length
      const note = await harness.transport.verify?.()
      expect(note === undefined || typeof note === 'string').toBe(true)
      expect((await harness.received()).length).toBe(before)
    })
  })
}
