import { KitError } from '@kit/internal'
import { htmlToText } from './html-to-text.ts'

export interface BrandColors {
  /** Buttons and links. @default '#2563eb' */
  primary?: string
  /** Page background around the card. @default '#f4f4f5' */
  background?: string
  /** Body text. @default '#18181b' */
  text?: string
  /** Footer text. @default '#71717a' */
  muted?: string
}

export interface BrandOptions {
  /** The app's name: header text, logo alt text. */
  name: string
  /** An https image URL shown in the header (height 40 px). */
  logoUrl?: string
  /** Where the header links to. */
  url?: string
  /** Plain-text footer lines: postal address, why they got this mail... */
  footer?: string | readonly string[]
  colors?: BrandColors
}

export interface EmailContent {
  /** Heading at the top of the card. */
  title?: string
  /** Preview text shown next to the subject in the inbox (hidden in the body). */
  preheader?: string
  /** Plain-text paragraphs, escaped for you. */
  paragraphs?: readonly string[]
  /** A trusted HTML fragment placed after the paragraphs. Never put unescaped user input here. */
  html?: string
  /** A call-to-action button (magic link, confirm e-mail...). */
  action?: { label: string; url: string }
  /** Overrides the derived plain-text part. */
  text?: string
}

export interface RenderedEmail {
  html: string
  text: string
}

const HEX_COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i

/**
 * Precomputes the brand's header and footer once; the returned function wraps
 * each message's content in them and derives the plain-text part.
 */
export function createEmailLayout(brand: BrandOptions): (content: EmailContent) => RenderedEmail {
  if (!brand || typeof brand.name !== 'string' || brand.name.trim() === '') {
    throw new KitError(
      'KIT_MAILER_INVALID_OPTION',
      'The email layout needs `name` (the app name shown in the header).',
    )
  }
  const colors = {
    primary: color('primary', brand.colors?.primary, '#2563eb'),
    background: color('background', brand.colors?.background, '#f4f4f5'),
    text: color('text', brand.colors?.text, '#18181b'),
    muted: color('muted', brand.colors?.muted, '#71717a'),
  }
  const name = escapeHtml(brand.name)
  const homeUrl = brand.url === undefined ? undefined : checkUrl('url', brand.url)
  const logo = brand.logoUrl === undefined ? undefined : checkUrl('logoUrl', brand.logoUrl)
  const mark = logo
    ? `<img src="${escapeHtml(logo)}" alt="${name}" height="40" style="height:40px;border:0">`
    : name
  const header = homeUrl
    ? `<a href="${escapeHtml(homeUrl)}" style="color:${colors.text};text-decoration:none">${mark}</a>`
    : mark
  const footerLines =
    brand.footer === undefined ? [] : typeof brand.footer === 'string' ? [brand.footer] : [...brand.footer]
  const footerHtml = footerLines.map(escapeHtml).join('<br>')
  const footerText = footerLines.join('\n')
  const font = "font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif"

  return (content: EmailContent): RenderedEmail => {
    const action = content.action
      ? { label: content.action.label, url: checkUrl('action.url', content.action.url) }
      : undefined
    const body = [
      content.title
        ? `<h1 style="margin:0 0 16px;font-size:22px;line-height:1.3">${escapeHtml(content.title)}</h1>`
        : '',
      ...(content.paragraphs ?? []).map((p) => `<p style="margin:0 0 16px">${escapeHtml(p)}</p>`),
      content.html ?? '',
      action
        ? `<p style="margin:24px 0"><a href="${escapeHtml(action.url)}" style="display:inline-block;padding:12px 20px;border-radius:6px;background:${colors.primary};color:#ffffff;text-decoration:none;font-weight:600">${escapeHtml(action.label)}</a></p><p style="margin:0 0 16px;font-size:13px;color:${colors.muted}">Or paste this link into your browser: ${escapeHtml(action.url)}</p>`
        : '',
    ].join('\n')
    const preheader = content.preheader
      ? `<div style="display:none;max-height:0;overflow:hidden;opacity:0">${escapeHtml(content.preheader)}</div>`
      : ''
    const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="color-scheme" content="light"><title>${escapeHtml(content.title ?? brand.name)}</title></head>
<body style="margin:0;padding:0;background:${colors.background};${font}">${preheader}
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:${colors.background}"><tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px">
<tr><td style="padding:0 0 16px;font-size:20px;font-weight:700;color:${colors.text}">${header}</td></tr>
<tr><td style="background:#ffffff;border-radius:8px;padding:32px;font-size:16px;line-height:1.5;color:${colors.text}">
${body}
</td></tr>
<tr><td style="padding:16px 0;font-size:12px;line-height:1.5;color:${colors.muted}">${footerHtml}</td></tr>
</table></td></tr></table></body></html>`
    const text =
      content.text ??
      [
        content.title,
        ...(content.paragraphs ?? []),
        content.html ? htmlToText(content.html) : undefined,
        action ? `${action.label}: ${action.url}` : undefined,
        footerText ? `--\n${footerText}` : undefined,
      ]
        .filter((part): part is string => Boolean(part))
        .join('\n\n')
    return { html, text }
  }
}

/** One-off render: `createEmailLayout(brand)(content)`. Prefer the layout when sending many. */
export function renderBrandedEmail(brand: BrandOptions, content: EmailContent): RenderedEmail {
  return createEmailLayout(brand)(content)
}

/** Escapes text for HTML element content and quoted attributes. */
export function escapeHtml(text: string): string {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

function color(name: string, value: string | undefined, fallback: string): string {
  if (value === undefined) return fallback
  if (typeof value !== 'string' || !HEX_COLOR.test(value)) {
    throw new KitError(
      'KIT_MAILER_INVALID_OPTION',
      `Brand color \`${name}\` must be a hex color like "#2563eb", got ${JSON.stringify(value)}.`,
    )
  }
  return value
}

function checkUrl(name: string, value: string): string {
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    url = undefined
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new KitError(
      'KIT_MAILER_INVALID_OPTION',
      `\`${name}\` must be an absolute http(s) URL, got ${JSON.stringify(String(value).slice(0, 100))}.`,
    )
  }
  return url.toString()
}
