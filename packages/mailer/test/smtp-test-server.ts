/**
 * A real SMTP server (smtp-server) on 127.0.0.1 with our own certificate,
 * STARTTLS and AUTH (refused before TLS), recording what it received.
 */

import type { AddressInfo } from 'node:net'
import { createServer as createTcpServer, type Server, type Socket } from 'node:net'
import { SMTPServer, type SMTPServerOptions } from 'smtp-server'
import { testCertificate } from './tls-cert.ts'

export const SMTP_USER = 'mailer-test'
export const SMTP_PASS = 'correct-horse-battery'

export interface ReceivedSmtp {
  from: string
  to: string[]
  raw: Buffer
  /** The session was upgraded with STARTTLS. */
  secure: boolean
  user: string | undefined
}

export interface SmtpTestServer {
  port: number
  /** `smtp://user:pass@127.0.0.1:port`. */
  url(user?: string, pass?: string): string
  received: ReceivedSmtp[]
  /** Recipients to refuse with 550 at RCPT TO. */
  rejectRecipients: Set<string>
  /** Recipients to refuse with 451 (try again later) at RCPT TO. */
  deferRecipients: Set<string>
  close(): Promise<void>
}

export interface SmtpTestServerOptions {
  /** Offer STARTTLS. @default true */
  starttls?: boolean
  /** Require AUTH. @default true */
  auth?: boolean
  /** TLS from the first byte (smtps://, port 465 style) instead of STARTTLS. @default false */
  implicitTls?: boolean
}

export async function startSmtpTestServer(options: SmtpTestServerOptions = {}): Promise<SmtpTestServer> {
  const { key, cert } = testCertificate()
  const received: ReceivedSmtp[] = []
  const rejectRecipients = new Set<string>()
  const deferRecipients = new Set<string>()
  const requireAuth = options.auth ?? true
  const settings: SMTPServerOptions = {
    key,
    cert,
    secure: options.implicitTls ?? false,
    hideSTARTTLS: options.starttls === false,
    authOptional: !requireAuth,
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: false,
    disabledCommands: [...(requireAuth ? [] : ['AUTH']), ...(options.starttls === false ? ['STARTTLS'] : [])],
    logger: false,
    // Pooled client connections stay open: do not wait the default 30 s for them on close.
    closeTimeout: 1000,
    onAuth(auth, _session, callback) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASS)
        return callback(null, { user: auth.username })
      callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }))
    },
    onRcptTo(address, _session, callback) {
      const email = address.address.toLowerCase()
      if (rejectRecipients.has(email)) {
        return callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }))
      }
      if (deferRecipients.has(email)) {
        return callback(Object.assign(new Error('Try again later'), { responseCode: 451 }))
      }
      callback()
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
          secure: Boolean(session.secure),
          user: session.user as string | undefined,
        })
        callback()
      })
    },
  }
  const server = new SMTPServer(settings)
  server.on('error', () => {})
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.server.address() as AddressInfo).port
  return {
    port,
    url: (user = SMTP_USER, pass = SMTP_PASS) =>
      `${options.implicitTls ? 'smtps' : 'smtp'}://${encodeURIComponent(user)}:${encodeURIComponent(pass)}@127.0.0.1:${port}`,
    received,
    rejectRecipients,
    deferRecipients,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** A TCP server that accepts connections and never says a word: the SMTP greeting never comes. */
export async function startSilentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>()
  const server: Server = createTcpServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}
