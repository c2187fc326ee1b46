/**
 * The mailer as an app uses it from a route (the examples' magic-link login),
 * over real HTTP on Express and Fastify: user input that would inject a header
 * is refused before anything is sent.
 */
import { isKitError } from '@kit/internal'
import { type ListeningApp, listenExpress, listenFastify } from '@kit/test-utils'
import express from 'express'
import Fastify from 'fastify'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createEmailLayout, createFakeMailer } from '../src/index.ts'

const mailer = createFakeMailer({ from: 'Acme <login@acme.test>' })
const layout = createEmailLayout({ name: 'Acme', footer: 'Acme Inc.' })

async function sendMagicLink(body: {
  email?: unknown
  name?: unknown
}): Promise<{ status: number; body: unknown }> {
  const link = 'https://acme.test/login/token-123'
  const { html, text } = layout({
    title: 'Your sign-in link',
    paragraphs: [`Hi ${String(body.name)},`],
    action: { label: 'Sign in', url: link },
  })
  try {
    const result = await mailer.send({
      to: String(body.email),
      subject: `Sign in, ${String(body.name)}`,
      html,
      text,
      tags: { kind: 'magic-link' },
    })
    return { status: 202, body: { sent: result.accepted.length } }
  } catch (error) {
    if (isKitError(error)) return { status: 400, body: { code: error.code } }
    throw error
  }
}

const apps: [string, () => Promise<ListeningApp>][] = [
  [
    'express',
    () => {
      const app = express()
      app.use(express.json())
      app.post('/auth/magic-link', async (req, res) => {
        const out = await sendMagicLink(req.body)
        res.status(out.status).json(out.body)
      })
      return listenExpress(app)
    },
  ],
  [
    'fastify',
    () => {
      const app = Fastify()
      app.post('/auth/magic-link', async (req, reply) => {
        const out = await sendMagicLink(req.body as { email?: unknown; name?: unknown })
        return reply.code(out.status).send(out.body)
      })
      return listenFastify(app)
    },
  ],
]

describe.each(apps)('sending mail from a %s route', (_name, start) => {
  let app: ListeningApp
  beforeAll(async () => {
    app = await start()
  })
  afterAll(() => app.close())
  beforeEach(() => mailer.clear())
  const post = (body: unknown) =>
    fetch(`${app.url}/auth/magic-link`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    })

  it('sends the branded magic-link mail', async () => {
    const response = await post({ email: 'ada@example.com', name: 'Ada' })
    expect(response.status).toBe(202)
    const mail = mailer.assertSent({
      to: 'ada@example.com',
      subject: 'Sign in, Ada',
      tags: { kind: 'magic-link' },
    })
    expect(mail.html).toContain('https://acme.test/login/token-123')
    expect(mail.text).toContain('Sign in: https://acme.test/login/token-123')
  })

  it('refuses a name that would inject a Bcc header, and sends nothing', async () => {
    const response = await post({ email: 'ada@example.com', name: 'Ada\r\nBcc: everyone@example.com' })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ code: 'KIT_MAILER_HEADER_INJECTION' })
    mailer.assertNotSent()
  })

  it('refuses an address list smuggled into one field', async () => {
    const response = await post({ email: 'ada@example.com, victim@example.com', name: 'Ada' })
    expect(await response.json()).toEqual({ code: 'KIT_MAILER_INVALID_MESSAGE' })
    mailer.assertNotSent()
  })
})
