import type { SendMailOptions } from 'nodemailer'
import type { MailAddress, OutgoingMessage } from './types.ts'

/**
 * The nodemailer message for an OutgoingMessage (SMTP and .eml files). Every
 * value is already validated; file and URL access stay off because the
 * attachments are already bytes.
 */
export function toNodemailerMessage(message: OutgoingMessage): SendMailOptions {
  return {
    from: toNodemailerAddress(message.from),
    to: message.to.map(toNodemailerAddress),
    cc: message.cc.map(toNodemailerAddress),
    bcc: message.bcc.map(toNodemailerAddress),
    replyTo: message.replyTo.map(toNodemailerAddress),
    subject: message.subject,
    ...(message.text === undefined ? {} : { text: message.text }),
    ...(message.html === undefined ? {} : { html: message.html }),
    attachments: message.attachments.map((a) => ({
      filename: a.filename,
      content: a.content,
      contentType: a.contentType,
      contentDisposition: a.disposition,
      ...(a.contentId ? { cid: a.contentId } : {}),
    })),
    headers: { ...message.headers },
    messageId: message.messageId,
    disableFileAccess: true,
    disableUrlAccess: true,
  }
}

function toNodemailerAddress(address: MailAddress): { name: string; address: string } {
  return { name: address.name ?? '', address: address.email }
}
