import { pathIsUnder, routedPath } from '@kit/internal'

/**
 * Longest-prefix lookup over whole path segments: '/auth' matches '/auth' and
 * '/auth/login', not '/authors'. Prefixes and request paths are both put
 * through @kit/internal's routedPath(): the path Express and Fastify route by
 * for every request-target form (absolute-form `http://host/auth/login`
 * included), decoded and lower-cased, so no spelling of a path the router
 * answers can skip its tier.
 */
export class PrefixMap<T> {
  readonly #entries: [string, T][]

  constructor(entries: Iterable<[string, T]>) {
    this.#entries = [...entries]
      .map(([prefix, value]): [string, T] => [routedPath(prefix), value])
      .sort((a, b) => b[0].length - a[0].length)
  }

  get size(): number {
    return this.#entries.length
  }

  /** `path` must already be a routedPath(). */
  match(path: string): T | undefined {
    for (const [prefix, value] of this.#entries) if (pathIsUnder(path, prefix)) return value
    return undefined
  }
}
