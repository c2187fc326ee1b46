/**
 * The path a limiter compares with its prefixes: no query string, decoded,
 * lower-case, single slashes, no trailing slash. Express matches routes
 * case-insensitively and Fastify decodes `%61uth` to `auth`, so comparing raw
 * paths would let `/AUTH/login` or `/%61uth/login` skip the `auth` tier.
 */
export function normalizePath(url: string): string {
  let end = url.length
  const query = url.indexOf('?')
  if (query !== -1) end = query
  const hash = url.indexOf('#')
  if (hash !== -1 && hash < end) end = hash
  let path = end === url.length ? url : url.slice(0, end)
  if (path.includes('%')) {
    try {
      path = decodeURIComponent(path)
    } catch {
      // A malformed escape matches no prefix; the router will reject it too.
    }
  }
  path = path.toLowerCase()
  if (path.includes('//')) path = path.replace(/\/{2,}/g, '/')
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1)
  return path
}

/** Longest-prefix lookup over whole path segments: '/auth' matches '/auth' and '/auth/login', not '/authors'. */
export class PrefixMap<T> {
  readonly #entries: [string, T][]

  constructor(entries: Iterable<[string, T]>) {
    this.#entries = [...entries]
      .map(([prefix, value]): [string, T] => [normalizePath(prefix), value])
      .sort((a, b) => b[0].length - a[0].length)
  }

  get size(): number {
    return this.#entries.length
  }

  /** `path` must already be normalised. */
  match(path: string): T | undefined {
    for (const [prefix, value] of this.#entries) {
      if (
        prefix === '/' ||
        path === prefix ||
        (path.startsWith(prefix) && path.charCodeAt(prefix.length) === 47)
      ) {
        return value
      }
    }
    return undefined
  }
}
