/**
 * Writes each message to the log instead of sending it (MAIL_PROVIDER=log):
 * for containers and previews where nobody can open .eml files but everyone
 * reads the logs. The text part is included, so a login link can be
 * followed; the logger's redaction still scrubs known secrets from it.
 */
import { type KitLogger, silentLogger } from '@kit/internal'
import type { MailTransport, OutgoingMessage, TransportResult } from '../types.ts'

export const LOG_DRIVER_NAME = 'log'

/** Longest text part written to the log; the rest is cut so one message is one readable line. */
export const LOG_TEXT_LIMIT = 4000

export interface LogTransportOptions {
  /** Receives one info line per message. @default silent */
  log?: KitLogger
}

export interface LogTransport extends MailTransport {
  readonly name: 'log'
  verify(): Promise<string>
}

export function createLogTransport(options: LogTransportOptions = {}): LogTransport {
  const log = options.log ?? silentLogger
  return {
    name: LOG_DRIVER_NAME,
    async send(message: OutgoingMessage): Promise<TransportResult> {
      const recipients = [...message.to, ...message.cc, ...message.bcc].map((a) => a.email)
      const text = message.text ?? ''
      log.info(
        {
          mail: {
            messageId: message.messageId,
            from: message.from.email,
            to: recipients,
            subject: message.subject,
            text: text.length > LOG_TEXT_LIMIT ? `${text.slice(0, LOG_TEXT_LIMIT)}…` : text,
            attachments: message.attachments.length,
          },
        },
        `mail logged, not sent: "${message.subject}" to ${recipients.join(', ')}`,
      )
      return { messageId: message.messageId, accepted: recipients, rejected: [] }
    },
    async verify(): Promise<string> {
      return 'written to the log'
    },
  }
}
