import { isIP } from 'node:net'

/**
 * Second-level public suffixes common enough to matter when telling a
 * site's own scripts from a third party's. The Observatory uses the full
 * Public Suffix List (tldts); kit does not ship it, so a script on another
 * site under an unlisted multi-label suffix counts as same-site.
 */
const MULTI_LABEL_SUFFIXES = new Set([
  'co.uk',
  'org.uk',
  'ac.uk',
  'gov.uk',
  'ltd.uk',
  'plc.uk',
  'me.uk',
  'net.uk',
  'com.au',
  'net.au',
  'org.au',
  'edu.au',
  'gov.au',
  'co.nz',
  'org.nz',
  'co.jp',
  'ne.jp',
  'or.jp',
  'ac.jp',
  'co.kr',
  'or.kr',
  'com.br',
  'net.br',
  'org.br',
  'com.cn',
  'net.cn',
  'org.cn',
  'com.mx',
  'com.ar',
  'com.tr',
  'com.tw',
  'com.hk',
  'com.sg',
  'com.my',
  'co.in',
  'net.in',
  'org.in',
  'co.za',
  'co.il',
  'com.ua',
  'com.pl',
  'co.id',
  'github.io',
  'herokuapp.com',
  'vercel.app',
  'netlify.app',
  'pages.dev',
  'workers.dev',
  'onrender.com',
  'fly.dev',
  'up.railway.app',
  'appspot.com',
  'web.app',
  'firebaseapp.com',
  'azurewebsites.net',
  'cloudfront.net',
  'amazonaws.com',
  'ondigitalocean.app',
])

/** The registrable domain ("site") of a host name; undefined for IP addresses and single labels. */
export function registrableDomain(host: string): string | undefined {
  const name = host
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
  if (isIP(name) !== 0) return undefined
  const labels = name.split('.')
  if (labels.length < 2) return undefined
  // The longest known suffix decides: the site is one label more than it.
  for (const size of [3, 2]) {
    if (labels.length > size && MULTI_LABEL_SUFFIXES.has(labels.slice(-size).join('.'))) {
      return labels.slice(-(size + 1)).join('.')
    }
    if (labels.length === size && MULTI_LABEL_SUFFIXES.has(labels.join('.'))) return undefined
  }
  return labels.slice(-2).join('.')
}
