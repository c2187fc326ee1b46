import PostalMime, { type Address } from 'postal-mime'

/** A message as the receiving side saw it, the same shape for every transport's receiver. */
export interface ReceivedMail {
  from: { email: string; name: string }
  to: string[]
  cc: string[]
  bcc: string[]
  replyTo: string[]
  subject: string
  text?: string
  html?: string
  attachments: { filename: string; contentType: string; content: Buffer; contentId?: string }[]
  /** Extra headers, lower-case names. */
  headers: Record<string, string>
}

/**
 * Parses a raw RFC 5322 message (SMTP DATA, an .eml file). Recipients that
 * were only in the envelope (Bcc never appears as a header) are reported as bcc.
 */
export async function parseRawMail(
  raw: Buffer | string,
  envelopeTo?: readonly string[],
): Promise<ReceivedMail> {
  const email = await PostalMime.parse(typeof raw === 'string' ? raw : new Uint8Array(raw))
  const to = emails(email.to)
  const cc = emails(email.cc)
  const visible = new Set([...to, ...cc].map((a) => a.toLowerCase()))
  const bcc = envelopeTo ? envelopeTo.filter((a) => !visible.has(a.toLowerCase())) : emails(email.bcc)
  const from = email.from && 'address' in email.from ? email.from : { address: '', name: '' }
  const headers: Record<string, string> = {}
  for (const header of email.headers) headers[header.key] = header.value
  return {
    from: { email: from.address ?? '', name: from.name },
    to,
    cc,
    bcc,
    replyTo: emails(email.replyTo),
    subject: email.subject ?? '',
    ...(email.text === undefined ? {} : { text: email.text.replace(/\r\n/g, '\n').replace(/\n$/, '') }),
    ...(email.html === undefined ? {} : { html: email.html.replace(/\r\n/g, '\n').replace(/\n$/, '') }),
    attachments: email.attachments.map((a) => ({
      filename: a.filename ?? '',
      contentType: a.mimeType,
      content: Buffer.from(a.content as ArrayBuffer),
      ...(a.contentId ? { contentId: a.contentId.replace(/^<|>$/g, '') } : {}),
    })),
    headers,
  }
}

/** `"Name" <a@b.co>` or `a@b.co` → { email, name }. */
export function parseAddressString(value: string): { email: string; name: string } {
  const match = /^\s*(?:"((?:[^"\\]|\\.)*)"|([^<]*?))\s*<([^>]+)>\s*$/.exec(value)
  if (!match) return { email: value.trim(), name: '' }
  return {
    email: (match[3] ?? '').trim(),
    name: (match[1]?.replace(/\\(.)/g, '$1') ?? match[2] ?? '').trim(),
  }
}

function emails(list: Address[] | undefined): string[] {
  return (list ?? []).flatMap((entry) =>
    entry.group ? entry.group.map((m) => m.address) : [entry.address ?? ''],
  )
}
