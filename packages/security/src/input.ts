/**
 * Reading what a client sent, in ways that cannot throw or reach the
 * database as something it refuses: the examples' login form and session
 * cookie use these (issue 17: NUL bytes reached Postgres, a malformed cookie
 * threw in decodeURIComponent; both were 500s).
 */

export interface FormTextOptions {
  /** Longest accepted value, in UTF-16 code units. @default 1000 */
  maxLength?: number
  /** Accept line breaks and tabs (a message body); other control characters never pass. @default false */
  multiline?: boolean
}

/**
 * A form or JSON field as text the app can store: a non-empty string of at
 * most `maxLength` characters, well-formed UTF-16, without control
 * characters (NUL above all: Postgres refuses it in text, and the query
 * would fail with a 500). Anything else (a missing field, an array from
 * `a[]=1`, an object, a lone surrogate) is undefined: answer 400.
 */
export function formText(value: unknown, options: FormTextOptions = {}): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return undefined
  if (value.length > (options.maxLength ?? 1000)) return undefined
  const multiline = options.multiline === true
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i)
    if (code === 127 || (code < 32 && !(multiline && (code === 9 || code === 10 || code === 13)))) {
      return undefined
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      // A surrogate must be a high one followed by a low one.
      const next = value.charCodeAt(i + 1)
      if (code > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return undefined
      i++
    }
  }
  return value
}

/**
 * One cookie's value from a Cookie header, percent-decoded; undefined when
 * it is absent or not valid percent-encoding (a client's malformed cookie is
 * a missing cookie, never an exception).
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq === -1 || part.slice(0, eq).trim() !== name) continue
    const raw = part.slice(eq + 1).trim()
    try {
      return decodeURIComponent(raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw)
    } catch {
      return undefined
    }
  }
  return undefined
}
