import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatAddress, isValidEmail } from '../src/addresses.ts'
import { type MessagePolicy, prepareMessage } from '../src/message.ts'
import type { SendMailInput } from '../src/types.ts'

const policy: MessagePolicy = {
  from: { email: 'hello@example.com', name: 'Acme' },
  maxRecipients: 50,
  disableFileAccess: true,
  disableUrlAccess: true,
  timeoutMs: 2000,
}
const base: SendMailInput = { to: 'user@example.com', subject: 'Hi', text: 'Body' }
const prepare = (input: Partial<SendMailInput>, overrides: Partial<MessagePolicy> = {}) =>
  prepareMessage({ ...base, ...input } as SendMailInput, { ...policy, ...overrides })
const code = (input: Partial<SendMailInput>, overrides: Partial<MessagePolicy> = {}) =>
  prepare(input, overrides).then(
    () => 'ok',
    (e) => e.code as string,
  )

describe('message', () => {
  describe('addresses', () => {
    it.each([
      ['user@example.com', { email: 'user@example.com' }],
      ['  Ada Lovelace <ada@example.com> ', { email: 'ada@example.com', name: 'Ada Lovelace' }],
      ['"Lovelace, Ada" <ada@example.com>', { email: 'ada@example.com', name: 'Lovelace, Ada' }],
      ['"Say \\"hi\\"" <ada@example.com>', { email: 'ada@example.com', name: 'Say "hi"' }],
      [
        { email: 'zoe@exämple.de', name: 'Zoë' },
        { email: 'zoe@exämple.de', name: 'Zoë' },
      ],
      ['first.last+tag@sub.example.co.uk', { email: 'first.last+tag@sub.example.co.uk' }],
    ])('accepts %j', async (to, expected) => {
      const message = await prepare({ to: to as SendMailInput['to'] })
      expect(message.to).toEqual([expected])
    })

    it.each([
      ['no at sign', 'user.example.com'],
      ['no domain dot', 'user@localhost'],
      ['two addresses in one string', 'me@example.com, victim@example.com'],
      ['spaces', 'us er@example.com'],
      ['double dot', 'a..b@example.com'],
      ['empty', ''],
      ['angle brackets only', '<>'],
      ['a number', 42],
      ['an object without email', { name: 'x' }],
      ['a domain label starting with -', 'a@-example.com'],
    ])('refuses %s with KIT_MAILER_INVALID_MESSAGE', async (_name, to) => {
      expect(await code({ to: to as SendMailInput['to'] })).toBe('KIT_MAILER_INVALID_MESSAGE')
    })

    it.each([
      ['CRLF in a string address', 'Eve\r\n <eve@example.com>'],
      ['LF in an object name', { email: 'eve@example.com', name: 'Eve\nBcc: x@example.com' }],
      ['NUL in an object email', { email: 'eve@example.com\u0000' }],
    ])('refuses %s with KIT_MAILER_HEADER_INJECTION', async (_name, to) => {
      expect(await code({ to: to as SendMailInput['to'] })).toBe('KIT_MAILER_HEADER_INJECTION')
    })

    it('names the field and the bad value in the message', async () => {
      await expect(prepare({ cc: ['ok@example.com', 'nope'] })).rejects.toThrow(
        'Invalid `cc[1]`: "nope" is not a valid e-mail address. Nothing was sent.',
      )
    })

    it('requires at least one recipient in `to`', async () => {
      expect(await code({ to: [] })).toBe('KIT_MAILER_INVALID_MESSAGE')
    })

    it('drops an address listed twice, keeping its most visible slot', async () => {
      const message = await prepare({
        to: ['a@example.com', 'A@example.com'],
        cc: 'a@example.com',
        bcc: ['b@example.com', 'a@example.com'],
      })
      expect(message.to.map((a) => a.email)).toEqual(['a@example.com'])
      expect(message.cc).toEqual([])
      expect(message.bcc.map((a) => a.email)).toEqual(['b@example.com'])
    })

    it('refuses more recipients than maxRecipients', async () => {
      const to = Array.from({ length: 4 }, (_, i) => `u${i}@example.com`)
      await expect(prepare({ to }, { maxRecipients: 3 })).rejects.toThrow(
        /4 recipients exceed maxRecipients \(3\)/,
      )
    })

    it('formats names that need quoting', () => {
      expect(formatAddress({ email: 'a@example.com', name: 'Acme Support' })).toBe(
        'Acme Support <a@example.com>',
      )
      expect(formatAddress({ email: 'a@example.com', name: 'Acme, Inc.' })).toBe(
        '"Acme, Inc." <a@example.com>',
      )
      expect(formatAddress({ email: 'a@example.com' })).toBe('a@example.com')
    })

    it('rejects addresses longer than 254 characters', () => {
      expect(isValidEmail(`${'a'.repeat(64)}@${'b'.repeat(190)}.com`)).toBe(false)
    })
  })

  describe('from', () => {
    it("uses the mailer's default sender", async () => {
      expect((await prepare({})).from).toEqual({ email: 'hello@example.com', name: 'Acme' })
    })

    it('takes a per-message sender', async () => {
      expect((await prepare({ from: 'billing@example.com' })).from).toEqual({ email: 'billing@example.com' })
    })

    it('needs a sender when the mailer has none', async () => {
      await expect(prepare({}, { from: undefined })).rejects.toThrow(
        /no sender: pass `from` or set MAIL_FROM/,
      )
    })
  })

  describe('subject', () => {
    it.each([['\r\n'], ['\n'], ['\r'], ['\u0000'], ['\u001b'], ['\u007f']])(
      'refuses a control character %j with KIT_MAILER_HEADER_INJECTION',
      async (char) => {
        expect(await code({ subject: `Hello${char}Bcc: victim@example.com` })).toBe(
          'KIT_MAILER_HEADER_INJECTION',
        )
      },
    )

    it.each([[''], ['   '], [undefined], [42]])('refuses %j', async (subject) => {
      expect(await code({ subject: subject as string })).toBe('KIT_MAILER_INVALID_MESSAGE')
    })

    it('keeps Unicode and tabs', async () => {
      expect((await prepare({ subject: 'Grüße 👋' })).subject).toBe('Grüße 👋')
      expect((await prepare({ subject: 'a\tb' })).subject).toBe('a\tb')
    })
  })

  describe('body', () => {
    it('needs text or html', async () => {
      expect(await code({ text: undefined })).toBe('KIT_MAILER_INVALID_MESSAGE')
      expect(await code({ text: '' })).toBe('KIT_MAILER_INVALID_MESSAGE')
    })

    it('refuses a non-string body', async () => {
      expect(await code({ html: 42 as unknown as string })).toBe('KIT_MAILER_INVALID_MESSAGE')
    })
  })

  describe('headers', () => {
    it('passes extra headers through', async () => {
      const message = await prepare({
        headers: { 'List-Unsubscribe': '<mailto:u@example.com>', 'X-Tab': 'a\tb' },
      })
      expect(message.headers).toEqual({ 'List-Unsubscribe': '<mailto:u@example.com>', 'X-Tab': 'a\tb' })
    })

    it.each([
      ['X-Ref', 'a\r\nBcc: v@example.com'],
      ['X-Ref', 'a\nb'],
      ['X-Ref\r\nBcc', 'v@example.com'],
    ])('refuses CR/LF in %j: %j', async (name, value) => {
      expect(await code({ headers: { [name]: value } })).toBe('KIT_MAILER_HEADER_INJECTION')
    })

    it.each([['From'], ['bcc'], ['Subject'], ['Content-Type'], ['Message-ID']])(
      'refuses the reserved header %s',
      async (name) => {
        await expect(prepare({ headers: { [name]: 'x' } })).rejects.toThrow(
          /set it through the message field instead/,
        )
      },
    )

    it.each([['X Space'], ['X:Colon'], ['Ümlaut']])('refuses the malformed header name %j', async (name) => {
      expect(await code({ headers: { [name]: 'x' } })).toBe('KIT_MAILER_INVALID_MESSAGE')
    })

    it('refuses a non-string value', async () => {
      expect(await code({ headers: { 'X-N': 1 as unknown as string } })).toBe('KIT_MAILER_INVALID_MESSAGE')
    })
  })

  describe('tags', () => {
    it('accepts letters, digits, _ and -', async () => {
      expect((await prepare({ tags: { category: 'magic_link-2' } })).tags).toEqual({
        category: 'magic_link-2',
      })
    })

    it.each([[{ 'has space': 'x' }], [{ ok: 'has.dot' }], [{ ok: '' }], [{ ok: 5 }]])(
      'refuses %j',
      async (tags) => {
        expect(await code({ tags: tags as Record<string, string> })).toBe('KIT_MAILER_INVALID_MESSAGE')
      },
    )
  })

  describe('idempotencyKey', () => {
    it('is generated per message when not given', async () => {
      const [a, b] = await Promise.all([prepare({}), prepare({})])
      expect(a.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/)
      expect(a.idempotencyKey).not.toBe(b.idempotencyKey)
    })

    it('keeps the caller key', async () => {
      expect((await prepare({ idempotencyKey: 'welcome-42' })).idempotencyKey).toBe('welcome-42')
    })

    it.each([[''], ['has space'], ['x'.repeat(257)], ['line\nbreak']])(
      'refuses %j',
      async (idempotencyKey) => {
        expect(await code({ idempotencyKey })).toBe('KIT_MAILER_INVALID_MESSAGE')
      },
    )
  })

  it('gives each message a Message-ID on the sender domain', async () => {
    expect((await prepare({})).messageId).toMatch(/^<[0-9a-f-]{36}@example\.com>$/)
  })

  it('freezes the prepared message', async () => {
    expect(Object.isFrozen(await prepare({}))).toBe(true)
  })

  describe('attachments', () => {
    let dir: string
    let server: ReturnType<typeof createServer>
    let url: string
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'kit-mailer-att-'))
      writeFileSync(join(dir, 'invoice.pdf'), '%PDF-1.4 test')
      server = createServer((req, res) => {
        if (req.url === '/logo.png') return res.end(Buffer.from([137, 80, 78, 71]))
        res.writeHead(404).end()
      })
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    })
    afterAll(async () => {
      rmSync(dir, { recursive: true, force: true })
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
    })

    it('turns content into bytes and guesses the content type', async () => {
      const message = await prepare({
        attachments: [
          { filename: 'notes.txt', content: 'héllo' },
          { filename: 'x.bin', content: new Uint8Array([1, 2]) },
        ],
      })
      expect(message.attachments[0]).toEqual({
        filename: 'notes.txt',
        content: Buffer.from('héllo'),
        contentType: 'text/plain',
        disposition: 'attachment',
      })
      expect(message.attachments[1]?.contentType).toBe('application/octet-stream')
    })

    it('refuses a file path while disableFileAccess is on (the default)', async () => {
      await expect(
        prepare({ attachments: [{ filename: 'passwd', path: '/etc/passwd' }] }),
      ).rejects.toMatchObject({
        code: 'KIT_MAILER_ATTACHMENT_ACCESS',
        message: expect.stringContaining('disableFileAccess'),
      })
    })

    it('refuses a URL while disableUrlAccess is on (the default)', async () => {
      await expect(
        prepare({ attachments: [{ filename: 'meta', href: 'http://127.0.0.1:9/latest/meta-data' }] }),
      ).rejects.toMatchObject({
        code: 'KIT_MAILER_ATTACHMENT_ACCESS',
        message: expect.stringContaining('disableUrlAccess'),
      })
    })

    it('reads a file path when file access is allowed', async () => {
      const message = await prepare(
        { attachments: [{ filename: 'invoice.pdf', path: join(dir, 'invoice.pdf') }] },
        { disableFileAccess: false },
      )
      expect(message.attachments[0]).toMatchObject({
        content: Buffer.from('%PDF-1.4 test'),
        contentType: 'application/pdf',
      })
    })

    it('reports a missing file without a stack of fs details', async () => {
      await expect(
        prepare(
          { attachments: [{ filename: 'x.pdf', path: join(dir, 'missing.pdf') }] },
          { disableFileAccess: false },
        ),
      ).rejects.toThrow('cannot be read (ENOENT)')
    })

    it('downloads an href when URL access is allowed', async () => {
      const message = await prepare(
        { attachments: [{ filename: 'logo.png', href: `${url}/logo.png` }] },
        { disableUrlAccess: false },
      )
      expect(message.attachments[0]?.content).toEqual(Buffer.from([137, 80, 78, 71]))
    })

    it('reports a failed download', async () => {
      await expect(
        prepare(
          { attachments: [{ filename: 'x.png', href: `${url}/missing.png` }] },
          { disableUrlAccess: false },
        ),
      ).rejects.toThrow(/HTTP 404/)
    })

    it('refuses a non-http href', async () => {
      expect(
        await code(
          { attachments: [{ filename: 'x', href: 'file:///etc/passwd' }] },
          { disableUrlAccess: false },
        ),
      ).toBe('KIT_MAILER_INVALID_MESSAGE')
    })

    it.each([
      ['no filename', { content: 'x' }],
      ['two sources', { filename: 'a', content: 'x', path: '/tmp/x' }],
      ['no source', { filename: 'a' }],
      ['inline without contentId', { filename: 'a.png', content: 'x', disposition: 'inline' }],
      ['an unknown disposition', { filename: 'a', content: 'x', disposition: 'embedded' }],
      ['a number as content', { filename: 'a', content: 5 }],
    ])('refuses %s', async (_name, attachment) => {
      expect(await code({ attachments: [attachment as never] })).toBe('KIT_MAILER_INVALID_MESSAGE')
    })

    it.each([
      ['filename', { filename: 'a\r\nb.txt', content: 'x' }],
      ['contentType', { filename: 'a', content: 'x', contentType: 'text/plain\r\nX: y' }],
    ])('refuses a line break in %s', async (_name, attachment) => {
      expect(await code({ attachments: [attachment as never] })).toBe('KIT_MAILER_HEADER_INJECTION')
    })

    it('keeps only the base name of a filename', async () => {
      const message = await prepare({
        attachments: [
          { filename: '../../etc/x.txt', content: 'x' },
          { filename: 'C:\\tmp\\y.txt', content: 'y' },
        ],
      })
      expect(message.attachments.map((a) => a.filename)).toEqual(['x.txt', 'y.txt'])
    })
  })
})
