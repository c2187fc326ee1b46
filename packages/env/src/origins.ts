import { parseConfiguredOrigin } from '@kit/internal'
import { type Check, type CheckIssue, fromCheck } from './check.ts'
import type { EnvType } from './helpers.ts'
import { splitList } from './parsers.ts'

export const ORIGINS_FIX =
  'List full origins separated by commas, scheme and host only: https://example.com,https://app.example.com (or https://*.example.com for every subdomain).'

/**
 * Checks one CORS origin: scheme://host[:port] without a path, or a
 * `https://*.example.com` subdomain pattern, read by the parser @kit/security
 * uses too. Returns the normalised origin (lower-case host, no trailing
 * slash, no default port) or a problem.
 */
export function parseOrigin(entry: string): { origin: string } | { problem: string } {
  // Every origin, for a public API without credentials (what cors's `origin: '*'` means);
  // the rules refuse it with CORS_ALLOW_CREDENTIALS, as @kit/security does.
  if (entry === '*') return { origin: '*' }
  const parsed = parseConfiguredOrigin(entry)
  return 'problem' in parsed ? parsed : { origin: parsed.text }
}

/** ALLOWED_ORIGINS: a comma-separated list of origins or https://*.example.com patterns, or `*` alone. */
export function origins(): EnvType<string[]> {
  return fromCheck(originsCheck())
}

export function originsCheck(): Check<string[]> {
  return (raw) => {
    const out: string[] = []
    const issues: CheckIssue[] = []
    for (const entry of splitList(raw)) {
      const result = parseOrigin(entry)
      if ('problem' in result) issues.push({ message: result.problem, valueFree: false })
      else if (!out.includes(result.origin)) out.push(result.origin)
    }
    if (out.includes('*') && out.length > 1) {
      issues.push({
        message: '"*" already allows every origin; give either "*" alone or a list of origins',
        valueFree: false,
      })
    }
    return issues.length > 0 ? { ok: false, issues } : { ok: true, value: out }
  }
}
