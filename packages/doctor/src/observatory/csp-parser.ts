/**
 * Content-Security-Policy parsing as the Observatory grades it: sources are
 * lower-cased; a policy shorter than 6 characters or repeating a directive
 * (other than report-uri/report-to) is invalid; several policies combine by
 * keeping, for a directive set in more than one, only sources every policy
 * allows.
 */
export type ParsedCsp = Map<string, Set<string>>

/** Directives a <meta> policy may not carry (HTML spec): they are dropped from meta policies. */
const META_FORBIDDEN = ['frame-ancestors', 'report-uri', 'sandbox']
const REPEATABLE = new Set(['report-uri', 'report-to'])
const MIN_POLICY_LENGTH = 6
/** The key under which repeated report-uri/report-to directives are noted (they cost the CSP bonus). */
export const DUPLICATES_KEY = '_duplicate_report_directives'

export class InvalidCspError extends Error {}

interface Source {
  source: string
  policy: number
  keep: boolean
}

const collator = new Intl.Collator('en')

/** Splits header values into policies: commas separate policies (RFC 9110 §5.3, CSP3 §2.2). */
export function splitPolicies(values: readonly string[]): string[] {
  return values.flatMap((value) => value.split(',').map((policy) => policy.trim()))
}

/** Throws InvalidCspError for a policy the Observatory calls unparsable. */
export function parseCsp(policies: readonly string[]): ParsedCsp {
  const clean = policies.map((policy) => policy.replace(/[\r\n]/g, '').trim())
  if (clean.length === 0) return new Map()
  for (const policy of clean) {
    if (policy.length < MIN_POLICY_LENGTH) throw new InvalidCspError(`policy too short: "${policy}"`)
  }
  const combined = new Map<string, Source[]>()
  const duplicates = new Set<string>()
  for (const [index, policy] of clean.entries()) {
    const seen = new Set<string>()
    for (const entry of policy.split(';')) {
      const [rawName, ...rawSources] = entry.trim().split(/\s+/)
      if (!rawName) continue
      const name = rawName.toLowerCase()
      if (seen.has(name)) {
        if (!REPEATABLE.has(name)) throw new InvalidCspError(`directive ${name} repeated in one policy`)
        duplicates.add(name)
      }
      seen.add(name)
      const values: Source[] = rawSources.map((s) => ({
        source: s.trim().toLowerCase(),
        policy: index,
        keep: index === 0,
      }))
      // An empty source list means 'none'.
      if (values.length === 0 && name.endsWith('-src'))
        values.push({ source: "'none'", policy: index, keep: index === 0 })
      const merged = index === 0 ? values : [...(combined.get(name) ?? []), ...values]
      merged.sort((a, b) => collator.compare(a.source, b.source))
      for (let i = 1; i < merged.length; i++) {
        const current = merged[i]!
        const previous = merged[i - 1]!
        // Within one policy a longer source starting like a shorter one adds nothing.
        if (current.policy === previous.policy && current.source.startsWith(previous.source))
          current.keep = false
        // Across policies a source counts only when both policies allow it.
        if (current.policy !== previous.policy && pathPartMatch(previous.source, current.source))
          current.keep = true
      }
      const kept = merged.filter((source) => source.keep)
      combined.set(name, kept)
      if (index === 0 && clean.length > 1) for (const source of kept) source.keep = false
    }
  }
  const result: ParsedCsp = new Map()
  for (const [name, sources] of combined) {
    result.set(name, sources.length > 0 ? new Set(sources.map((s) => s.source)) : new Set(["'none'"]))
  }
  if (duplicates.size > 0) result.set(DUPLICATES_KEY, duplicates)
  return result
}

/** A <meta http-equiv> policy: parsed the same way, without the directives meta cannot carry. */
export function parseCspMeta(policies: readonly string[]): ParsedCsp {
  const parsed = parseCsp(policies)
  for (const name of META_FORBIDDEN) parsed.delete(name)
  return parsed
}

function pathPartMatch(a: string, b: string): boolean {
  if (a.length === 0) return true
  if (a === '/' && b.length === 0) return true
  const exact = !a.endsWith('/')
  const partsA = a.split('/')
  const partsB = b.split('/')
  if (partsA.length > partsB.length) return false
  if (exact && partsA.length !== partsB.length) return false
  if (!exact) partsA.pop()
  for (const [i, part] of partsA.entries()) {
    const other = partsB[i]
    if (other === undefined || safeDecode(part) !== safeDecode(other)) return false
  }
  return true
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}
