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

// Attributes and breadcrumb fields that hold a URL or a path. Some SDK
// integrations put the raw request URL there (Fastify's url.path keeps
// the query string), past what `dataCollection` filters.
const URL_FIELDS = ['url', 'url.full', 'url.path', 'http.url', 'http.target', 'http.request.header.referer']
const QUERY_FIELDS = ['url.query', 'http.query', 'query_string']

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
      const clean: Payload = redact(rest, redactOptions)
      if (isObject(request)) clean.request = urls(scrubRequest(request, redactOptions))
      if (sdkProcessingMetadata !== undefined) clean.sdkProcessingMetadata = sdkProcessingMetadata
      return clean as typeof event
    },
    breadcrumb(breadcrumb) {
      const clean: Payload = redact(breadcrumb as Payload, redactOptions)
      if (isObject(clean.data)) clean.data = urls(clean.data)
      return clean as typeof breadcrumb
    },
    span(span) {
      const clean: Payload = redact(span as Payload, redactOptions)
      if (isObject(clean.attributes)) clean.attributes = urls(clean.attributes)
      return clean as typeof span
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

/** Cuts `?query` off URL fields and removes query fields; values may be raw or `{ value, type }` attributes. */
function dropQueryStrings(fields: Payload): Payload {
  const out: Payload = { ...fields }
  for (const key of QUERY_FIELDS) delete out[key]
  for (const key of URL_FIELDS) {
    const value = out[key]
    if (typeof value === 'string') out[key] = stripQuery(value)
    else if (isObject(value) && typeof value.value === 'string')
      out[key] = { ...value, value: stripQuery(value.value) }
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
