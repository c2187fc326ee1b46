import { REDACTED, redactString } from '@kit/internal'

/** Parts of a value that must never be shown: the whole value, each list item, URL credentials (encoded and decoded). */
export function secretParts(value: string): string[] {
  const parts = new Set<string>([value])
  for (const item of value.split(',')) if (item.trim().length >= 3) parts.add(item.trim())
  const credentials = urlCredentials(value)
  for (const part of credentials) parts.add(part)
  return [...parts].filter((part) => part.length > 0)
}

/** The password (or, for a lone user such as a Sentry DSN key, the user) of a URL, raw and decoded. */
export function urlCredentials(value: string): string[] {
  const secretPart = userinfoSecret(value)
  const out: string[] = []
  if (secretPart) {
    out.push(secretPart)
    try {
      out.push(decodeURIComponent(secretPart))
    } catch {
      // Malformed percent-encoding: the raw form is already listed.
    }
  }
  return out
}

function userinfoSecret(value: string): string {
  try {
    const parsed = new URL(value)
    return parsed.password || parsed.username
  } catch {
    // postgres://user:pw@/app?host=/var/run/postgresql has no host: WHATWG URL refuses it, pg accepts it.
    const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^@/?#]*)@/i.exec(value)?.[1] ?? ''
    const colon = userinfo.indexOf(':')
    return colon < 0 ? userinfo : userinfo.slice(colon + 1)
  }
}

/** Removes every part of `secretValue` from `text`, longest parts first. */
export function scrubValue(text: string, secretValue: string | undefined): string {
  if (!secretValue) return text
  let out = text
  const parts = secretParts(secretValue).sort((a, b) => b.length - a.length)
  for (const part of parts) out = out.split(part).join(REDACTED)
  return out
}

/**
 * How `kit env check` shows a value. Secrets: URLs keep scheme, host and
 * path with the credentials masked (postgres://****@db.example.com:5432/app);
 * anything else is only its length. Other values pass through the shared
 * redaction (known secrets, URL credentials, key=value pairs).
 */
export function maskValue(value: string, secret: boolean): string {
  if (!secret) return redactString(value)
  let parsed: URL | undefined
  try {
    parsed = new URL(value)
  } catch {
    parsed = undefined
  }
  if (parsed?.host && /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    const userinfo = parsed.username || parsed.password ? '****@' : ''
    const query = parsed.search ? '?****' : ''
    return `${parsed.protocol}//${userinfo}${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}${query}`
  }
  return `**** (${[...value].length} characters)`
}

/** A non-secret value quoted for an error message: shortened and passed through the shared redaction. */
export function quoteValue(value: string): string {
  const shown = value.length > 80 ? `${value.slice(0, 77)}...` : value
  return JSON.stringify(redactString(shown))
}
