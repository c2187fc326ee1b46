import { isSensitiveKey, normaliseKey, REDACTED, redact, redactString } from '@kit/internal'
import { SAFE_FIELDS, TRUSTED_REQUEST_ID } from './symbols.ts'

/** Past this depth values are replaced by '[Truncated]' (the same bound as @kit/internal's redact). */
const MAX_DEPTH = 10

type Fields = Record<string | symbol, unknown>

/** The pieces createLogger() plugs into pino: a log formatter, a bindings formatter and a value scrubber for serializers. */
export interface Redactor {
  /** pino `formatters.log`: returns the object itself when nothing in it is secret, a scrubbed copy otherwise. */
  fields(this: void, object: Fields): Fields
  /** Scrubs any value (a serializer's output, a message). */
  value<T>(this: void, value: T): T
}

/**
 * Redaction at any depth, at the lowest cost pino allows: pino's own
 * path-based `redact` only knows fixed paths, and @kit/internal's `redact()`
 * copies everything. Here a read-only scan decides first; only an object
 * that really holds a secret is copied (through `redact()`, so the output is
 * the same as Sentry's and the env errors'). Numbers and booleans cost a key
 * check, strings one `redactString()`, objects from kit (`SAFE_FIELDS`)
 * nothing. Keys that have a serializer are left to the serializer, whose
 * output is scrubbed with `value()`.
 */
export function createRedactor(extraKeys: readonly string[], serializedKeys: readonly string[]): Redactor {
  const extra = new Set(extraKeys.map(normaliseKey))
  const serialized = new Set(serializedKeys)
  const sensitive =
    extra.size === 0 ? isSensitiveKey : (key: string) => isSensitiveKey(key) || extra.has(normaliseKey(key))
  const options = { extraKeys }

  const stringNeeds = (text: string): boolean => redactString(text) !== text

  const objectNeeds = (input: object, depth: number, seen: Set<object>): boolean => {
    if (depth > MAX_DEPTH || seen.has(input)) return true
    if (input instanceof Date) return false
    // Errors, collections, binaries and objects with toJSON (URL: its href can carry a password) are rewritten whole.
    if (
      input instanceof Error ||
      input instanceof Map ||
      input instanceof Set ||
      ArrayBuffer.isView(input) ||
      typeof (input as { toJSON?: unknown }).toJSON === 'function'
    ) {
      return true
    }
    seen.add(input)
    if (Array.isArray(input)) {
      for (const item of input) if (valueNeeds(item, depth + 1, seen)) return true
      return false
    }
    for (const key in input) {
      if (!Object.hasOwn(input, key)) continue
      const item = (input as Fields)[key]
      if (item === undefined || typeof item === 'function') continue
      if (sensitive(key) || valueNeeds(item, depth + 1, seen)) return true
    }
    return false
  }

  const valueNeeds = (input: unknown, depth: number, seen: Set<object>): boolean =>
    typeof input === 'string'
      ? stringNeeds(input)
      : typeof input === 'object' && input !== null && objectNeeds(input, depth, seen)

  const scrub = <T>(input: T): T => {
    if (typeof input === 'string') return redactString(input) as T
    if (typeof input !== 'object' || input === null) return input
    if (!objectNeeds(input, 1, new Set())) return input
    const toJSON = (input as { toJSON?: unknown }).toJSON
    if (typeof toJSON === 'function' && !(input instanceof Date)) {
      return redact(toJSON.call(input), options) as T
    }
    return redact(input, options)
  }

  const fields = (object: Fields): Fields => {
    if (object[SAFE_FIELDS] === true) return object
    const trustedId = object[TRUSTED_REQUEST_ID]
    let copy: Fields | undefined
    for (const key in object) {
      const item = object[key]
      if (item === undefined || typeof item === 'function' || serialized.has(key)) continue
      let next: unknown = item
      if (sensitive(key)) next = REDACTED
      else if (typeof item === 'string') {
        if (item !== trustedId || key !== 'reqId') next = redactString(item)
      } else if (typeof item === 'object' && item !== null) next = scrub(item)
      if (next !== item) {
        copy ??= { ...object }
        copy[key] = next
      }
    }
    return copy ?? object
  }

  return { fields, value: scrub }
}
