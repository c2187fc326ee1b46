import { type RedactOptions, redact } from '@kit/internal'

/** What the SDK hands to beforeSend / beforeBreadcrumb / beforeSendSpan, as far as scrubbing cares. */
type Payload = { [key: string]: unknown }

export interface Scrubbers {
  /** For `beforeSend`: every string and sensitive key of an error event. */
  event<T extends object>(event: T): T
  /** For `beforeBreadcrumb`: console lines, HTTP breadcrumbs (URLs carry query strings). */
  breadcrumb<T extends object>(breadcrumb: T): T
  /** For `beforeSendSpan`: span names and attributes (url.full, headers, db statements). */
  span<T extends object>(span: T): T
}

export interface ScrubOptions {
  /** Extra sensitive keys, on top of the shared list. */
  redactKeys?: readonly string[]
  /** Keep query strings in URLs (`collect.queryStrings`); otherwise they are cut off. @default false */
  keepQueryStrings?: boolean
}

// Fields that hold a URL or a path, by the end of their name, at any depth:
// url, url.full, url.path, http.url, http.target, request.url, the Referer
// header (request.headers.referer, span attribute http.request.header.referer),
// x-original-url... Some SDK integrations put the raw request URL there, past
// what `dataCollection` filters. A string that is a whole absolute URL is cut
// whatever its field is called.
const URL_FIELD = /(?:^|[._-])(?:url|uri|href|referr?er|location|target|path)$/i
const ABSOLUTE_URL = /^[a-z][a-z0-9+.-]*:\/\/\S*$/i
// A span or transaction name made from the raw request line: `GET /search?q=…`.
const REQUEST_LINE = /^[A-Z]+ \/\S*$/
const QUERY_FIELDS = new Set(['url.query', 'http.query', 'query_string'])

/**
 * Scrubbers built on the shared redaction list (@kit/internal), the last
 * step before anything leaves the process. They run after `dataCollection`
 * has dropped what kit does not collect, and catch what the app put in
 * itself: error messages, extra data, contexts, breadcrumbs, URLs. Env
 * secrets registered with addKnownSecret() are replaced wherever they appear.
 */
export function createScrubbers(options: ScrubOptions = {}): Scrubbers {
  const redactOptions: RedactOptions = { extraKeys: options.redactKeys ?? [], maxDepth: 16 }
  const urls = options.keepQueryStrings ? (fields: Payload) => fields : dropQueryStrings
  return {
    event(event) {
      // sdkProcessingMetadata holds the SDK's live scopes: never copied, never sent (the SDK drops it).
      const { sdkProcessingMetadata, request, ...rest } = event as Payload
      const clean: Payload = urls(redact(rest, redactOptions))
      if (isObject(request)) clean.request = urls(scrubRequest(request, redactOptions))
      if (sdkProcessingMetadata !== undefined) clean.sdkProcessingMetadata = sdkProcessingMetadata
      return clean as typeof event
    },
    breadcrumb(breadcrumb) {
      const clean: Payload = redact(breadcrumb as Payload, redactOptions)
      return urls(clean) as typeof breadcrumb
    },
    span(span) {
      const clean: Payload = redact(span as Payload, redactOptions)
      return urls(clean) as typeof span
    },
  }
}

// `cookies` is itself a sensitive key, which would turn the whole object into a
// string Sentry cannot ingest: redact inside it instead (when the app opted in).
function scrubRequest(request: Payload, options: RedactOptions): Payload {
  const { cookies, ...rest } = request
  const clean: Payload = redact(rest, options)
  if (cookies !== undefined) clean.cookies = redact(cookies, options)
  return clean
}

/**
 * Cuts `?query` (and `#fragment`) off every URL-bearing field and removes
 * query fields, at any depth and in any shape the SDK uses: a string, an
 * array of strings (repeated headers), a `{ value, type }` span attribute
 * holding either.
 */
function dropQueryStrings(fields: Payload): Payload {
  return stripIn(fields, false, 0) as Payload
}

function stripIn(value: unknown, urlField: boolean, depth: number): unknown {
  if (typeof value === 'string') {
    return urlField || ABSOLUTE_URL.test(value) || REQUEST_LINE.test(value) ? stripQuery(value) : value
  }
  if (value === null || typeof value !== 'object' || depth > 16) return value
  if (Array.isArray(value)) return value.map((item) => stripIn(item, urlField, depth + 1))
  const out: Payload = {}
  for (const [key, item] of Object.entries(value)) {
    if (QUERY_FIELDS.has(key)) continue
    // `{ value, type }` attributes: the field's name is the attribute's.
    out[key] = stripIn(item, key === 'value' ? urlField : URL_FIELD.test(key), depth + 1)
  }
  return out
}

function stripQuery(url: string): string {
  const at = url.search(/[?#]/)
  return at === -1 ? url : url.slice(0, at)
}

function isObject(value: unknown): value is Payload {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}
