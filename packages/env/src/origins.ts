import { z } from 'zod'
import type { EnvType } from './helpers.ts'
import { splitList } from './parsers.ts'

export const ORIGINS_FIX =
  'List full origins separated by commas, scheme and host only: https://example.com,https://app.example.com (or https://*.example.com for every subdomain).'

/**
 * Checks one CORS origin: scheme://host[:port] without a path, or a
 * `https://*.example.com` subdomain pattern. Returns the normalised origin
 * (lower-case host, no trailing slash) or a problem.
 */
export function parseOrigin(entry: string): { origin: string } | { problem: string } {
  const quoted = JSON.stringify(entry)
  // Every origin, for a public API without credentials (what cors's `origin: '*'` means);
  // the rules refuse it with CORS_ALLOW_CREDENTIALS, as @kit/security does.
  if (entry === '*') return { origin: '*' }
  const wildcard = /^([a-z][a-z0-9+.-]*):\/\/\*\.(.+)$/i.exec(entry)
  const candidate = wildcard ? `${wildcard[1]}://wildcard.${wildcard[2]}` : entry
  let parsed: URL
  try {
    parsed = new URL(candidate)
  } catch {
    return { problem: `${quoted} is not an origin (expected scheme://host[:port])` }
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { problem: `${quoted} must start with https:// or http://` }
  }
  if (parsed.username || parsed.password || /[?#]/.test(candidate) || parsed.pathname !== '/') {
    return { problem: `${quoted} has a path, query or credentials; an origin is scheme://host[:port] only` }
  }
  if (wildcard) {
    const host = parsed.host.slice('wildcard.'.length)
    if (!host.includes('.')) {
      return { problem: `${quoted} matches a whole top-level domain; use *.example.com or list origins` }
    }
    return { origin: `${parsed.protocol}//*.${host}` }
  }
  return { origin: parsed.origin }
}

/** ALLOWED_ORIGINS: a comma-separated list of origins or https://*.example.com patterns, or `*` alone. */
export function origins(): EnvType<string[]> {
  return z.string().transform((raw, ctx) => {
    const out: string[] = []
    for (const entry of splitList(raw)) {
      const result = parseOrigin(entry)
      if ('problem' in result) ctx.addIssue({ code: 'custom', message: result.problem })
      else if (!out.includes(result.origin)) out.push(result.origin)
    }
    if (out.includes('*') && out.length > 1) {
      ctx.addIssue({
        code: 'custom',
        message: '"*" already allows every origin; give either "*" alone or a list of origins',
      })
    }
    return out
  })
}
