import { SecretMatcher } from './known-secrets.ts'

/**
 * The one redaction list (DESIGN §5), shared by the logger, Sentry scrubbing,
 * env error messages and `kit doctor`. Keys are compared after lower-casing
 * and removing '-', '_', '.' and spaces, so `X-Api-Key`, `api_key` and
 * `apiKey` are one name.
 */
export const REDACTED = '[REDACTED]'

/** A key is sensitive when its normalised form ends with one of these. */
export const SENSITIVE_KEY_SUFFIXES: readonly string[] = Object.freeze([
  'authorization',
  'cookie',
  'cookies',
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'privatekey',
  'credentials',
  'sessionid',
  'dsn',
  'databaseurl',
  'redisurl',
  'redistlsurl',
  'smtpurl',
])

/** Exact normalised keys that are sensitive although no suffix matches. */
const SENSITIVE_KEYS = new Set(['auth', 'pass', 'pwd', 'sid', 'jwt', 'otp', 'pin', 'cvv', 'ssn'])

const keyCache = new Map<string, boolean>()

export function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/[-_.\s]/g, '')
}

export function isSensitiveKey(key: string): boolean {
  const cached = keyCache.get(key)
  if (cached !== undefined) return cached
  const norm = normaliseKey(key)
  const result = SENSITIVE_KEYS.has(norm) || SENSITIVE_KEY_SUFFIXES.some((suffix) => norm.endsWith(suffix))
  if (keyCache.size < 10_000) keyCache.set(key, result)
  return result
}

// Values registered at start-up (e.g. env secrets) are scrubbed wherever they appear,
// with a matcher whose cost does not grow with their number (known-secrets.ts).
const knownSecrets = new SecretMatcher()

/** Values shorter than this are never known secrets: they would match ordinary words (which env values are: env-secrets.ts). */
export const MIN_KNOWN_SECRET_LENGTH = 8

export function addKnownSecret(value: string | undefined): void {
  if (!value || value.length < MIN_KNOWN_SECRET_LENGTH || knownSecrets.has(value)) return
  knownSecrets.add(value)
}

export function clearKnownSecrets(): void {
  knownSecrets.clear()
}

/**
 * Only the registered secrets, replaced: one pass over `text` however many
 * there are. Cheap enough for every request line (path, User-Agent).
 */
export function redactKnownSecrets(text: string): string {
  return knownSecrets.replace(text, REDACTED)
}

const KEY_VALUE = /(["']?)([A-Za-z][\w.-]{1,40})\1(\s*[=:]\s*)(["']?)([^"'&\s,;}]+)\4/g

const PATTERNS: readonly [RegExp, string | ((...m: any[]) => string)][] = [
  // Credentials inside URLs: keep the user name of user:password, drop a lone key (Sentry DSN, redis://:pw@).
  [
    /\b([a-z][a-z0-9+.-]*:\/\/)([^/\s:@]*)(?::([^/\s@]*))?@/gi,
    (_m, scheme, user, pass) =>
      pass === undefined ? `${scheme}${REDACTED}@` : `${scheme}${user}:${REDACTED}@`,
  ],
  // Authorization schemes. Case-sensitive, one line, and a credential-like run of 8+ characters,
  // so prose such as "Unexpected token \n in kit.config.ts" is left alone.
  [
    /\b(Bearer|bearer|Basic|basic|Token)[ \t]+[A-Za-z0-9._~+/=-]{8,}/g,
    (_m, scheme) => `${scheme} ${REDACTED}`,
  ],
  // Well-known key formats: SendGrid, Resend, OpenAI/Stripe-style, GitHub, Slack, AWS access keys.
  [/\bSG\.[\w-]{10,}\.[\w-]{10,}/g, REDACTED],
  [/\bre_[A-Za-z0-9_]{10,}/g, REDACTED],
  [/\b(?:sk|rk|pk)[-_](?:live|test|proj)?[-_]?[A-Za-z0-9_-]{16,}/g, REDACTED],
  [/\bgh[pousr]_[A-Za-z0-9]{20,}/g, REDACTED],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/g, REDACTED],
  [/\bAKIA[0-9A-Z]{16}\b/g, REDACTED],
  // key=value and "key": "value" pairs whose key is sensitive (query strings, form bodies, JSON text).
  [KEY_VALUE, redactPair],
]

function redactPair(
  match: string,
  q: string,
  key: string,
  sep: string,
  vq: string,
  value: string,
  at: number,
  text: string,
): string {
  if (isSensitiveKey(key) && !isLabelInProse(q + vq, sep, value, text.slice(at + match.length)))
    return `${q}${key}${q}${sep}${vq}${REDACTED}${vq}`
  // A label swallows the pair after it ("Error: password=…", "failed: token=…"): look inside its value.
  return /[=:]/.test(value)
    ? `${q}${key}${q}${sep}${vq}${value.replace(KEY_VALUE, redactPair as never)}${vq}`
    : match
}

// `SESSION_SECRET: is too easy to guess` names a variable, then says something
// about it: an unquoted lower-case word after "KEY: " that a sentence goes on
// from is prose, not the value (issue 17, over-redaction). `key=…`, quoted
// values, and a value with a digit, a symbol or nothing after it stay redacted.
function isLabelInProse(quotes: string, sep: string, value: string, rest: string): boolean {
  return quotes === '' && /^:[ \t]+$/.test(sep) && /^[a-z]{1,10}$/.test(value) && /^ [a-z]/.test(rest)
}

/** Scrubs secrets out of free text: URL credentials, bearer tokens, known key formats, key=value pairs, registered secrets. */
export function redactString(text: string): string {
  let out = knownSecrets.replace(text, REDACTED)
  for (const [pattern, replacement] of PATTERNS) {
    out = out.replace(pattern, replacement as (substring: string, ...args: any[]) => string)
  }
  return out
}

export interface RedactOptions {
  /** Extra keys to treat as sensitive (compared normalised). */
  extraKeys?: readonly string[]
  /** Depth past which values are replaced by '[Truncated]'. @default 10 */
  maxDepth?: number
}

/**
 * Returns a deep copy of `value` with sensitive keys replaced by '[REDACTED]'
 * and secrets scrubbed out of every string. Never mutates its input; handles
 * cycles, Errors (message and stack scrubbed), Maps, Sets and Buffers.
 */
export function redact<T>(value: T, options: RedactOptions = {}): T {
  const extra = new Set((options.extraKeys ?? []).map(normaliseKey))
  const sensitive = (key: string): boolean =>
    isSensitiveKey(key) || (extra.size > 0 && extra.has(normaliseKey(key)))
  const maxDepth = options.maxDepth ?? 10
  const seen = new WeakMap<object, unknown>()

  const walk = (input: unknown, depth: number): unknown => {
    if (typeof input === 'string') return redactString(input)
    if (input === null || typeof input !== 'object') return input
    if (seen.has(input)) return '[Circular]'
    if (depth > maxDepth) return '[Truncated]'
    if (Buffer.isBuffer(input) || ArrayBuffer.isView(input))
      return `[Binary ${(input as ArrayBufferView).byteLength} bytes]`
    if (input instanceof Date) return input
    if (input instanceof Error) {
      const copy: Record<string, unknown> = { name: input.name, message: redactString(input.message) }
      seen.set(input, copy)
      if (input.stack) copy.stack = redactString(input.stack)
      for (const [k, v] of Object.entries(input)) copy[k] = sensitive(k) ? REDACTED : walk(v, depth + 1)
      if (input.cause !== undefined) copy.cause = walk(input.cause, depth + 1)
      return copy
    }
    if (Array.isArray(input)) {
      const copy: unknown[] = []
      seen.set(input, copy)
      for (const item of input) copy.push(walk(item, depth + 1))
      return copy
    }
    if (input instanceof Map) {
      const copy = new Map()
      seen.set(input, copy)
      for (const [k, v] of input)
        copy.set(k, typeof k === 'string' && sensitive(k) ? REDACTED : walk(v, depth + 1))
      return copy
    }
    if (input instanceof Set) {
      const copy = new Set()
      seen.set(input, copy)
      for (const v of input) copy.add(walk(v, depth + 1))
      return copy
    }
    const copy: Record<string, unknown> = {}
    seen.set(input, copy)
    for (const [k, v] of Object.entries(input)) copy[k] = sensitive(k) ? REDACTED : walk(v, depth + 1)
    return copy
  }
  return walk(value, 0) as T
}
