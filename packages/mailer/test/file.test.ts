import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MemoryStream } from '@kit/test-utils'
import pino from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import { createFileTransport } from '../src/transports/file.ts'
import { outgoing, testMailTransport } from './conformance.ts'
import { parseRawMail } from './received-mail.ts'

const roots: string[] = []
function tempRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kit-mailer-file-'))
  roots.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of roots) rmSync(dir, { recursive: true, force: true })
})

testMailTransport('file', async () => {
  const cwd = tempRoot()
  const transport = createFileTransport({ cwd })
  return {
    transport,
    received: () =>
      Promise.all(
        readdirSync(transport.dir)
          .filter((f) => f.endsWith('.eml'))
          .map((f) => parseRawMail(readFileSync(join(transport.dir, f)))),
      ),
    stop: () => {},
  }
})

describe('file transport', () => {
  describe('dir', () => {
    it('writes under <cwd>/.kit/mail by default', async () => {
      const cwd = tempRoot()
      const transport = createFileTransport({ cwd })
      await transport.send(await outgoing({ subject: 'Welcome to Acme!' }))
      const files = readdirSync(join(cwd, '.kit', 'mail'))
      expect(files).toHaveLength(1)
      expect(files[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d-]+Z-welcome-to-acme-[0-9a-f]{4}\.eml$/)
    })

    it('writes under a custom directory, relative to cwd', async () => {
      const cwd = tempRoot()
      const transport = createFileTransport({ cwd, dir: 'tmp/outbox' })
      expect(transport.dir).toBe(join(cwd, 'tmp', 'outbox'))
      await transport.send(await outgoing())
      expect(readdirSync(join(cwd, 'tmp', 'outbox'))).toHaveLength(1)
    })

    it('refuses an empty directory name', () => {
      expect(() => createFileTransport({ dir: '' })).toThrow(
        expect.objectContaining({ code: 'KIT_MAILER_INVALID_OPTION' }),
      )
    })
  })

  describe('log', () => {
    it('logs one info line with the relative path of the file', async () => {
      const cwd = tempRoot()
      const stream = new MemoryStream()
      const transport = createFileTransport({ cwd, log: pino(stream) })
      await transport.send(await outgoing({ subject: 'Reset your password' }))
      const lines = stream.lines()
      expect(lines).toHaveLength(1)
      expect(lines[0]?.level).toBe(30)
      expect(lines[0]?.msg).toMatch(/^mail written to \.kit\/mail\/.*reset-your-password.*\.eml$/)
      expect(lines[0]?.path).toBe(join(cwd, lines[0]?.msg.slice('mail written to '.length)))
    })
  })

  it('keeps Bcc visible in the file, for the developer reading it', async () => {
    const cwd = tempRoot()
    const transport = createFileTransport({ cwd })
    await transport.send(await outgoing({ bcc: 'secret@example.com' }))
    const [file] = readdirSync(join(cwd, '.kit', 'mail'))
    expect(readFileSync(join(cwd, '.kit', 'mail', String(file)), 'utf8')).toMatch(
      /^Bcc: secret@example\.com\r$/m,
    )
  })

  it('uses the message id of the message', async () => {
    const transport = createFileTransport({ cwd: tempRoot() })
    const message = await outgoing()
    const result = await transport.send(message)
    expect(result.messageId).toBe(message.messageId)
  })

  it('names an untitled-looking subject "mail"', async () => {
    const cwd = tempRoot()
    const transport = createFileTransport({ cwd })
    await transport.send(await outgoing({ subject: '日本語' }))
    expect(readdirSync(join(cwd, '.kit', 'mail'))[0]).toMatch(/-mail-[0-9a-f]{4}\.eml$/)
  })
})
