/**
 * Writes each message as an .eml file (open it in any mail client) and logs
 * one line with its path: the development default, so nothing leaves the
 * machine and nothing needs configuring.
 */
import { randomBytes } from 'node:crypto'
import { access, constants, writeFile } from 'node:fs/promises'
import { isAbsolute, join, relative, resolve } from 'node:path'
import { ensureDirectoryAsync, KitError, type KitLogger, silentLogger } from '@kit/internal'
import { toNodemailerMessage } from '../nodemailer-message.ts'
import type { MailTransport, OutgoingMessage, TransportResult } from '../types.ts'

export const FILE_DRIVER_NAME = 'file'

export interface FileTransportOptions {
  /** Where the .eml files go, relative to `cwd`. @default '.kit/mail' */
  dir?: string
  /** @default process.cwd() */
  cwd?: string
  /** Receives one info line per message with the file's path. @default silent */
  log?: KitLogger
}

export interface FileTransport extends MailTransport {
  readonly name: 'file'
  /** The absolute directory the files are written to. */
  readonly dir: string
  verify(): Promise<string>
}

export function createFileTransport(options: FileTransportOptions = {}): FileTransport {
  if (options.dir !== undefined && (typeof options.dir !== 'string' || options.dir === '')) {
    throw new KitError('KIT_MAILER_INVALID_OPTION', '`file.dir` must be a non-empty path, e.g. ".kit/mail".')
  }
  const cwd = options.cwd ?? process.cwd()
  const dir = resolve(cwd, options.dir ?? '.kit/mail')
  const log = options.log ?? silentLogger

  return {
    name: FILE_DRIVER_NAME,
    dir,
    async send(message: OutgoingMessage): Promise<TransportResult> {
      const { default: MailComposer } = await import('nodemailer/lib/mail-composer')
      const node = new MailComposer(toNodemailerMessage(message)).compile()
      // Bcc is not a header on the wire, but a developer reading the file wants to see it.
      node.keepBcc = true
      const raw = await node.build()
      await ensureDirectoryAsync(dir)
      const path = join(dir, fileName(message.subject))
      await writeFile(path, raw, { flag: 'wx' })
      const shown = relative(cwd, path)
      log.info({ path, subject: message.subject }, `mail written to ${isAbsolute(shown) ? path : shown}`)
      return {
        messageId: message.messageId,
        accepted: [...message.to, ...message.cc, ...message.bcc].map((a) => a.email),
        rejected: [],
      }
    },
    async verify(): Promise<string> {
      await ensureDirectoryAsync(dir)
      await access(dir, constants.W_OK)
      return `writing .eml files to ${dir}`
    },
  }
}

/** `2026-11-22T10-15-30-123Z-welcome-to-acme-3f9a.eml`: sorts by time, readable, unique. */
function fileName(subject: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  const slug =
    subject
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'mail'
  return `${stamp}-${slug}-${randomBytes(2).toString('hex')}.eml`
}
