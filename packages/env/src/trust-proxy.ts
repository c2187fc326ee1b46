import { isIP } from 'node:net'
import { type Check, failed, fromCheck, passed } from './check.ts'
import type { EnvType } from './helpers.ts'
import { parseBoolean, parseInteger, splitList } from './parsers.ts'

/** Who may set X-Forwarded-For: nobody (false), the nearest N proxies, or these addresses. */
export type TrustProxy = false | number | string[]

/** proxy-addr's names for address ranges. */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal'])

const TRUST_EVERYONE =
  'lets any client fake its IP address with an X-Forwarded-For header (and dodge rate limits and IP rules)'
export const TRUST_PROXY_FIX =
  'Set TRUST_PROXY to the number of proxies in front of the app (Heroku, Render, Fly.io, Railway, DigitalOcean: 1), or to a comma-separated list of proxy IPs or CIDR ranges (e.g. 10.0.0.0/8), or leave it unset to trust nobody.'

function isNetmask(text: string): boolean {
  if (isIP(text) !== 4) return false
  const bits = text
    .split('.')
    .map((part) => Number(part).toString(2).padStart(8, '0'))
    .join('')
  return /^1*0*$/.test(bits)
}

/** An IP, a CIDR range (10.0.0.0/8, fd00::/8), an IPv4 address/netmask, or a range name. Returns a problem, or undefined. */
function checkEntry(entry: string): string | undefined {
  if (RANGE_NAMES.has(entry.toLowerCase())) return undefined
  const [address = '', prefix, ...rest] = entry.split('/')
  const family = isIP(address)
  if (family === 0 || rest.length > 0) {
    return `${JSON.stringify(entry)} is not an IP address, a CIDR range or one of loopback, linklocal, uniquelocal`
  }
  if (prefix === undefined) return undefined
  const bits = parseInteger(prefix)
  const max = family === 4 ? 32 : 128
  const valid = (bits !== undefined && bits >= 0 && bits <= max) || (family === 4 && isNetmask(prefix))
  if (!valid) return `${JSON.stringify(entry)} has an invalid prefix length (0 to ${max})`
  if (bits === 0 || prefix === '0.0.0.0')
    return `${JSON.stringify(entry)} covers every address, which ${TRUST_EVERYONE}`
  return undefined
}

/** TRUST_PROXY: unset/false/0 → false; "1", "2" → hop count; "a, b" → list; "true" is rejected. */
export function trustProxy(): EnvType<TrustProxy> {
  return fromCheck(trustProxyCheck())
}

export function trustProxyCheck(): Check<TrustProxy> {
  return (raw) => {
    const text = raw.trim()
    const flag = parseBoolean(text)
    if (flag === true && text !== '1') return failed(`trusting every proxy ${TRUST_EVERYONE}`, false)
    if (flag === false) return passed(false)
    const hops = parseInteger(text)
    if (hops !== undefined) {
      if (hops < 0) return failed('expected a hop count of 0 or more', true)
      return passed(hops === 0 ? false : hops)
    }
    const entries = splitList(text)
    const problems = entries.map(checkEntry).filter((p): p is string => p !== undefined)
    if (problems.length > 0)
      return { ok: false, issues: problems.map((message) => ({ message, valueFree: false })) }
    return passed(
      entries.map((entry) => (RANGE_NAMES.has(entry.toLowerCase()) ? entry.toLowerCase() : entry)),
    )
  }
}
