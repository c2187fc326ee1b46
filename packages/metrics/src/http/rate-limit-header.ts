/**
 * Which tiers refused a 429, from the IETF `RateLimit` header @kit/rate-limit
 * sets (draft 8: `"auth";r=0;t=42`, one item per tier): the tiers with no
 * requests remaining. Without the header (legacy headers, another limiter)
 * the tier is 'unknown'. Only 429s are parsed, so requests pay nothing.
 */
export function rateLimitedTiers(header: unknown): string[] {
  if (typeof header !== 'string' || header === '') return ['unknown']
  const tiers: string[] = []
  for (const item of header.split(',')) {
    const match = /^\s*"([^"]{1,64})"\s*;(?:.*;)?\s*r=0\s*(?:;|$)/.exec(item)
    if (match) tiers.push(match[1]!)
  }
  return tiers.length ? tiers : ['unknown']
}
