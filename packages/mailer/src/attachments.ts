import { readFile } from 'node:fs/promises'
import { basename, extname } from 'node:path'
import { KitError } from '@kit/internal'
import { hasControlCharacter, invalidMessage as invalid } from './invalid.ts'
import type { MailAttachment, OutgoingAttachment } from './types.ts'

export interface AttachmentPolicy {
  disableFileAccess: boolean
  disableUrlAccess: boolean
  /** Bound on downloading an `href` attachment. */
  timeoutMs: number
}

const TYPES: Readonly<Record<string, string>> = {
  '.txt': 'text/plain',
  '.html': 'text/html',
  '.csv': 'text/csv',
  '.ics': 'text/calendar',
  '.json': 'application/json',
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
  '.xml': 'application/xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
}

/** The content type for a filename, by extension. */
export function guessContentType(filename: string): string {
  return TYPES[extname(filename).toLowerCase()] ?? 'application/octet-stream'
}

/**
 * Validates one attachment and loads its bytes, so every transport gets a
 * Buffer. File paths and URLs are refused unless explicitly allowed: with
 * user-controlled fields they would read server files or reach internal URLs.
 */
export async function resolveAttachment(
  attachment: MailAttachment,
  index: number,
  policy: AttachmentPolicy,
): Promise<OutgoingAttachment> {
  const field = `attachments[${index}]`
  if (attachment === null || typeof attachment !== 'object') throw invalid(field, 'expected an object')
  const { filename, contentType, contentId } = attachment
  if (typeof filename !== 'string' || filename.trim() === '')
    throw invalid(`${field}.filename`, 'is required')
  for (const [key, value] of [
    ['filename', filename],
    ['contentType', contentType],
    ['contentId', contentId],
  ] as const) {
    if (value !== undefined && (typeof value !== 'string' || hasControlCharacter(value))) {
      throw new KitError(
        'KIT_MAILER_HEADER_INJECTION',
        `\`${field}.${key}\` must be a string without line breaks or control characters. Nothing was sent.`,
      )
    }
  }
  const disposition = attachment.disposition ?? 'attachment'
  if (disposition !== 'attachment' && disposition !== 'inline') {
    throw invalid(`${field}.disposition`, `must be 'attachment' or 'inline', got "${String(disposition)}"`)
  }
  if (disposition === 'inline' && !contentId) {
    throw invalid(
      `${field}.contentId`,
      'is required for an inline attachment (reference it as cid:<contentId>)',
    )
  }
  const sources = [attachment.content, attachment.path, attachment.href].filter((s) => s !== undefined)
  if (sources.length !== 1) throw invalid(field, 'needs exactly one of `content`, `path` or `href`')
  const content = await loadContent(attachment, field, policy)
  return {
    filename: basename(filename.replace(/\\/g, '/')),
    content,
    contentType: contentType ?? guessContentType(filename),
    disposition,
    ...(contentId ? { contentId } : {}),
  }
}

async function loadContent(
  attachment: MailAttachment,
  field: string,
  policy: AttachmentPolicy,
): Promise<Buffer> {
  const { content, path, href } = attachment
  if (typeof content === 'string') return Buffer.from(content, 'utf8')
  if (content instanceof Uint8Array)
    return Buffer.from(content.buffer, content.byteOffset, content.byteLength)
  if (content !== undefined) throw invalid(`${field}.content`, 'must be a string or a Uint8Array/Buffer')
  if (path !== undefined) {
    if (policy.disableFileAccess) throw access(`${field}.path`, 'disableFileAccess')
    try {
      return await readFile(path)
    } catch (error) {
      throw invalid(`${field}.path`, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`)
    }
  }
  if (policy.disableUrlAccess) throw access(`${field}.href`, 'disableUrlAccess')
  return download(String(href), `${field}.href`, policy.timeoutMs)
}

async function download(href: string, field: string, timeoutMs: number): Promise<Buffer> {
  let url: URL
  try {
    url = new URL(href)
  } catch {
    throw invalid(field, 'is not a valid URL')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid(field, 'must be an http(s) URL')
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error' })
    if (!response.ok) throw new Error(`HTTP ${response.status}`)
    return Buffer.from(await response.arrayBuffer())
  } catch (error) {
    throw invalid(field, `could not be downloaded from ${url.origin} (${(error as Error).message})`)
  }
}

function access(field: string, option: string): KitError {
  return new KitError(
    'KIT_MAILER_ATTACHMENT_ACCESS',
    `\`${field}\` is refused because \`${option}\` is on (the default). Read the file or URL yourself and pass \`content\`, or set \`${option}: false\` when no attachment field can come from users. Nothing was sent.`,
  )
}
