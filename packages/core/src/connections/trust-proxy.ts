import { createRequire } from 'node:module'
import { KitError } from '@kit/internal'

/**
 * proxy-addr is a CommonJS file needed only for a TRUST_PROXY list: required
 * when one is given, not imported by every app at start-up (an ES-module
 * import of a CommonJS file is scanned for its export names first;
 * docs/internals/module-loading.md).
 */
function loadProxyAddr(): typeof import('proxy-addr') {
  return createRequire(import.meta.url)('proxy-addr')
}

/** TRUST_PROXY as @kit/env parses it: nobody, a hop count, or addresses/CIDRs/names. */
export type TrustProxySetting = false | number | readonly string[]

export interface TrustProxyForFrameworks {
  /** Value for `app.set('trust proxy', …)`: Express still takes hop counts. */
  express: false | number | string[]
  /**
   * Value for Fastify's `trustProxy`. Fastify ≥ 5.12.1 silently ignores a
   * number (GOTCHAS), so a hop count becomes the equivalent function.
   */
  fastify: false | string[] | ((address: string, hop: number) => boolean)
  /** The same decision as a function, for code that reads X-Forwarded-* itself. */
  trusts: (address: string, hop: number) => boolean
  /** Human-readable, for the start-up line. */
  description: string
}

export function trustProxyFor(setting: TrustProxySetting | undefined): TrustProxyForFrameworks {
  if (setting === undefined || setting === false || setting === 0) {
    return { express: false, fastify: false, trusts: () => false, description: 'no proxy trusted' }
  }
  if (typeof setting === 'number') {
    if (!Number.isInteger(setting) || setting < 0) {
      throw new KitError(
        'KIT_CORE_TRUST_PROXY_INVALID',
        `TRUST_PROXY must be a whole number of hops, got ${setting}.`,
      )
    }
    const hops = setting
    const trusts = (_address: string, hop: number): boolean => hop < hops
    return {
      express: hops,
      fastify: trusts,
      trusts,
      description: `${hops} proxy hop${hops === 1 ? '' : 's'} trusted`,
    }
  }
  const list = [...setting]
  let compiled: (address: string, hop: number) => boolean
  try {
    compiled = loadProxyAddr().compile(list)
  } catch (error) {
    throw new KitError(
      'KIT_CORE_TRUST_PROXY_INVALID',
      `TRUST_PROXY contains an entry that is not an IP address, a CIDR range or one of loopback, linklocal, uniquelocal: ${(error as Error).message}`,
      { cause: error },
    )
  }
  return {
    express: list,
    fastify: list,
    trusts: compiled,
    description: `proxies trusted: ${list.join(', ')}`,
  }
}
