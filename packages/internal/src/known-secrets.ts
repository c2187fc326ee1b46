/**
 * Finds registered secret values in text with one pass over the text,
 * whatever the number of secrets: a regular-expression alternation for a few
 * of them, then Rabin–Karp over the secrets' first characters. A regular-expression alternation of every secret, rebuilt on
 * each add, cost O(secrets²) to register and grew per character with each
 * secret. Here an add is O(1) (the index is rebuilt once, lazily, on the next
 * scan); a scan rolls a hash of the last few characters and looks it up in a
 * bit filter (a few integer operations per character), and only positions
 * whose hash some secret starts with are compared. bench/redaction measures
 * it with 0, 10 and 1,000 secrets.
 */
export class SecretMatcher {
  readonly #secrets = new Set<string>()
  #index: Index | Alternation | undefined

  get size(): number {
    return this.#secrets.size
  }

  has(secret: string): boolean {
    return this.#secrets.has(secret)
  }

  add(secret: string): void {
    if (this.#secrets.has(secret)) return
    this.#secrets.add(secret)
    this.#index = undefined
  }

  clear(): void {
    this.#secrets.clear()
    this.#index = undefined
  }

  /**
   * `text` with every occurrence of a secret replaced by `replacement`.
   * Overlapping or nested occurrences are replaced as one span, so no part of
   * any secret survives.
   */
  replace(text: string, replacement: string): string {
    if (this.#secrets.size === 0 || text.length === 0) return text
    this.#index ??= buildIndex(this.#secrets)
    const spans = 'any' in this.#index ? findSpansByPattern(this.#index, text) : findSpans(this.#index, text)
    if (spans === undefined) return text
    let out = ''
    let from = 0
    for (let i = 0; i < spans.length; i += 2) {
      out += text.slice(from, spans[i]) + replacement
      from = spans[i + 1]!
    }
    return out + text.slice(from)
  }
}

/** Secrets by the hash of their first `window` characters, and a bit filter over those hashes. */
interface Index {
  window: number
  /** BASE^(window-1), to take the leaving character out of the rolling hash. */
  lead: number
  filter: Uint8Array
  /** Longest first, so a secret that starts like another is replaced whole. */
  byHash: Map<number, string[]>
}

const BASE = 31
const MAX_WINDOW = 8
const FILTER_BITS = 1 << 16

/**
 * Up to this many secrets, one alternation (longest first, so a secret that
 * contains another is replaced whole); its cost grows with each secret, and
 * past this count the rolling hash, whose cost does not, is cheaper
 * (bench/redaction).
 */
const MAX_ALTERNATION = 24

/** A few secrets: V8's regular-expression engine finds whether any occurs fastest. */
interface Alternation {
  /** Does any secret occur? (The common answer, no, costs one scan.) */
  any: RegExp
  /** At each position, the longest secret starting there (a lookahead, so overlapping ones are found too). */
  each: RegExp
}

function buildIndex(secrets: Iterable<string>): Index | Alternation {
  const list = [...secrets]
  if (list.length <= MAX_ALTERNATION) {
    const alternation = list
      .sort((a, b) => b.length - a.length)
      .map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('|')
    return { any: new RegExp(alternation), each: new RegExp(`(?=(${alternation}))`, 'g') }
  }
  const window = Math.min(MAX_WINDOW, ...list.map((s) => s.length))
  let lead = 1
  for (let i = 1; i < window; i++) lead = Math.imul(lead, BASE)
  const filter = new Uint8Array(FILTER_BITS)
  const byHash = new Map<number, string[]>()
  for (const secret of list) {
    const hash = hashOf(secret, window)
    filter[slot(hash)] = 1
    const bucket = byHash.get(hash)
    if (bucket) bucket.push(secret)
    else byHash.set(hash, [secret])
  }
  for (const bucket of byHash.values()) bucket.sort((a, b) => b.length - a.length)
  return { window, lead, filter, byHash }
}

function hashOf(text: string, length: number): number {
  let hash = 0
  for (let i = 0; i < length; i++) hash = (Math.imul(hash, BASE) + text.charCodeAt(i)) | 0
  return hash
}

function slot(hash: number): number {
  return (hash ^ (hash >>> 16)) & (FILTER_BITS - 1)
}

function findSpansByPattern(pattern: Alternation, text: string): number[] | undefined {
  if (!pattern.any.test(text)) return undefined
  const spans: number[] = []
  for (const match of text.matchAll(pattern.each)) addSpan(spans, match.index, match.index + match[1]!.length)
  return spans
}

/** Adds [start, end) to the sorted, merged, flattened spans, merging it with those it overlaps or touches. */
function addSpan(spans: number[], start: number, end: number): void {
  let from = start
  let to = end
  while (spans.length > 0 && from <= spans[spans.length - 1]!) {
    from = Math.min(from, spans[spans.length - 2]!)
    to = Math.max(to, spans[spans.length - 1]!)
    spans.length -= 2
  }
  spans.push(from, to)
}

/** Merged [start, end) spans of every occurrence, flattened; undefined when there are none. */
function findSpans(index: Index, text: string): number[] | undefined {
  const { window, lead, filter, byHash } = index
  if (text.length < window) return undefined
  let spans: number[] | undefined
  let hash = hashOf(text, window)
  for (let i = 0; ; i++) {
    if (filter[slot(hash)] === 1) {
      for (const secret of byHash.get(hash) ?? []) {
        if (!text.startsWith(secret, i)) continue
        spans ??= []
        addSpan(spans, i, i + secret.length)
        break
      }
    }
    const next = i + window
    if (next >= text.length) return spans
    hash = (Math.imul(hash - Math.imul(text.charCodeAt(i), lead), BASE) + text.charCodeAt(next)) | 0
  }
}
