import { describe, expect, it } from 'vitest'
import { createMemoryTransport } from '../src/transports/memory.ts'
import { outgoing, testMailTransport } from './conformance.ts'
import type { ReceivedMail } from './received-mail.ts'

testMailTransport('memory', async () => {
  const transport = createMemoryTransport()
  return {
    transport,
    received: () => transport.messages.map(toReceived),
    stop: () => {},
  }
})

describe('memory transport', () => {
  it('stores the validated message as sent', async () => {
    const transport = createMemoryTransport()
    const message = await outgoing({ subject: 'Stored' })
    await transport.send(message)
    expect(transport.messages).toEqual([message])
  })

  it('returns the first result for a repeated idempotency key, storing the message once', async () => {
    const transport = createMemoryTransport()
    const message = await outgoing({ idempotencyKey: 'welcome-42' })
    const first = await transport.send(message)
    const again = await transport.send(await outgoing({ idempotencyKey: 'welcome-42' }))
    expect(again).toEqual(first)
    expect(transport.messages).toHaveLength(1)
  })

  it('forgets everything on clear()', async () => {
    const transport = createMemoryTransport()
    const message = await outgoing({ idempotencyKey: 'k-1' })
    await transport.send(message)
    transport.clear()
    expect(transport.messages).toHaveLength(0)
    await transport.send(message)
    expect(transport.messages).toHaveLength(1)
  })
})

function toReceived(m: import('../src/types.ts').OutgoingMessage): ReceivedMail {
  const headers: Record<string, string> = {}
  for (const [k, v] of Object.entries(m.headers)) headers[k.toLowerCase()] = v
  return {
    from: { email: m.from.email, name: m.from.name ?? '' },
    to: m.to.map((a) => a.email),
    cc: m.cc.map((a) => a.email),
    bcc: m.bcc.map((a) => a.email),
    replyTo: m.replyTo.map((a) => a.email),
    subject: m.subject,
    ...(m.text === undefined ? {} : { text: m.text }),
    ...(m.html === undefined ? {} : { html: m.html }),
    attachments: m.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: a.content,
      ...(a.contentId ? { contentId: a.contentId } : {}),
    })),
    headers,
  }
}
