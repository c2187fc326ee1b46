import type { ParsedCsp } from '../../observatory/csp-parser.ts'
import { type CheckDefinition, fail, pass, skip } from '../../types.ts'
import type { AuditContext } from '../context.ts'

type LiveCheck = CheckDefinition<AuditContext>

const BROAD = new Set(['*', 'http:', 'https:', 'ftp:', 'http://*', 'http://*.*', 'https://*', 'https://*.*'])
const KEYWORDS = [
  'self',
  'none',
  'unsafe-inline',
  'unsafe-eval',
  'unsafe-hashes',
  'strict-dynamic',
  'report-sample',
  'wasm-unsafe-eval',
  'inline-speculation-rules',
]
const hasNonceOrHash = (sources: ReadonlySet<string>) =>
  [...sources].some((s) => /^'(nonce|sha256|sha384|sha512)-/.test(s))

/** Sources as printed: a nonce changes per response, so it is shown as 'nonce-…'. */
const show = (sources: Iterable<string>) =>
  [...sources].map((s) => s.replace(/^'nonce-[^']*'$/, "'nonce-…'")).join(' ')

function effective(csp: ParsedCsp, directive: string): Set<string> | undefined {
  return csp.get(directive) ?? csp.get('default-src')
}

/** Problems that make a policy unparsable or misread, per policy (header and meta). */
function syntaxProblems(policies: readonly string[]): string[] {
  const problems: string[] = []
  for (const policy of policies.flatMap((p) => p.split(',')).map((p) => p.trim())) {
    if (policy.length < 6) {
      problems.push(`a policy is empty or too short ("${policy}")`)
      continue
    }
    const seen = new Set<string>()
    let scriptSources: string[] = []
    for (const part of policy.split(';')) {
      const [name, ...sources] = part.trim().split(/\s+/)
      if (!name) continue
      const directive = name.toLowerCase()
      if (seen.has(directive) && directive !== 'report-uri' && directive !== 'report-to')
        problems.push(`${directive} appears twice in one policy (browsers ignore the second)`)
      seen.add(directive)
      for (const source of sources) {
        const bare = source.toLowerCase()
        if (KEYWORDS.includes(bare) || /^(nonce|sha256|sha384|sha512)-/.test(bare))
          problems.push(`${directive}: the keyword ${source} must be quoted ('${source}')`)
      }
      if (directive === 'script-src') scriptSources = sources.map((s) => s.toLowerCase())
    }
    if (scriptSources.includes("'strict-dynamic'") && !scriptSources.some((s) => /^'(nonce|sha\d+)-/.test(s)))
      problems.push("'strict-dynamic' without a nonce or hash blocks every script")
  }
  return problems
}

/** frame-ancestors from the header CSP: 'none', 'self' or explicit origins only. */
function frameAncestorsOk(ctx: AuditContext): { ok: boolean; finding: string } {
  const sources = ctx.headerCsp?.get('frame-ancestors')
  if (!sources) return { ok: false, finding: 'no frame-ancestors in the Content-Security-Policy header' }
  const loose = [...sources].filter((s) => BROAD.has(s) || /^[a-z][a-z0-9+.-]*:$/.test(s))
  if (loose.length > 0) return { ok: false, finding: `frame-ancestors allows ${loose.join(' ')}` }
  return { ok: true, finding: `frame-ancestors ${[...sources].join(' ')}` }
}

const needCsp = (ctx: AuditContext) => (ctx.csp ? undefined : skip('no enforced policy (see LIVE-CSP-01)'))

export const CSP_CHECKS: readonly LiveCheck[] = [
  {
    id: 'LIVE-CSP-01',
    title: 'Content-Security-Policy enforced',
    severity: 'high',
    fix: 'Send an enforced Content-Security-Policy (kit sends a strict one with nonces unless `csp: false`); Report-Only alone blocks nothing.',
    run(ctx) {
      if (!ctx.page) return fail('HTTPS does not answer')
      const { header, meta, reportOnly } = ctx.cspPolicies
      if (header.length === 0 && meta.length === 0)
        return fail(
          reportOnly.length
            ? 'only Content-Security-Policy-Report-Only is sent'
            : 'no Content-Security-Policy header',
        )
      if (!ctx.csp) return fail('the Content-Security-Policy cannot be parsed (see LIVE-CSP-02)')
      return pass(
        `${header.length} header${header.length === 1 ? '' : 's'}${meta.length ? ` and ${meta.length} meta policies` : ''}`,
      )
    },
  },
  {
    id: 'LIVE-CSP-02',
    title: 'Content-Security-Policy syntactically valid',
    severity: 'medium',
    fix: "Quote keywords ('self', 'none', 'nonce-…'), give each directive once per policy, and use 'strict-dynamic' only with a nonce or hash.",
    run(ctx) {
      const all = [...ctx.cspPolicies.header, ...ctx.cspPolicies.meta]
      if (all.length === 0) return skip('no policy')
      const problems = syntaxProblems(all)
      return problems.length ? fail(problems.join('; ')) : pass('every policy parses')
    },
  },
  {
    id: 'LIVE-CSP-03',
    title: 'Script execution locked down',
    severity: 'high',
    fix: "Give script-src (or default-src) without 'unsafe-inline', data: or wildcards/schemes; use nonces or hashes for inline scripts (kit adds a nonce); set object-src 'none'.",
    run(ctx) {
      const missing = needCsp(ctx)
      if (missing) return missing
      const csp = ctx.csp!
      const script = effective(csp, 'script-src')
      const object = effective(csp, 'object-src')
      const problems: string[] = []
      if (!script) problems.push('neither script-src nor default-src is set')
      else {
        if (script.has("'unsafe-inline'") && !hasNonceOrHash(script))
          problems.push("script-src allows 'unsafe-inline'")
        if (script.has('data:')) problems.push('script-src allows data:')
        const broad = [...script].filter((s) => BROAD.has(s))
        if (broad.length) problems.push(`script-src allows ${broad.join(' ')}`)
      }
      if (!object) problems.push('neither object-src nor default-src is set')
      else if ([...object].some((s) => BROAD.has(s))) problems.push('object-src allows any origin')
      return problems.length ? fail(problems.join('; ')) : pass(`script-src ${show(script!)}`)
    },
  },
  {
    id: 'LIVE-CSP-04',
    title: "No 'unsafe-eval'",
    severity: 'medium',
    fix: "Remove 'unsafe-eval' (and the eval()/new Function() that needs it); 'wasm-unsafe-eval' is enough for WebAssembly.",
    run(ctx) {
      const missing = needCsp(ctx)
      if (missing) return missing
      const found = ['script-src', 'style-src'].filter((d) => effective(ctx.csp!, d)?.has("'unsafe-eval'"))
      return found.length ? fail(`'unsafe-eval' in ${found.join(' and ')}`) : pass("no 'unsafe-eval'")
    },
  },
  {
    id: 'LIVE-CSP-05',
    title: 'No insecure (http:, ftp:) sources',
    severity: 'medium',
    fix: 'Load every resource over HTTPS and list https:// origins only; upgrade-insecure-requests helps with old links.',
    run(ctx) {
      const missing = needCsp(ctx)
      if (missing) return missing
      const insecure = [...ctx.csp!].flatMap(([d, s]) =>
        [...s].filter((x) => /^(http|ftp):/.test(x)).map((x) => `${d} ${x}`),
      )
      return insecure.length
        ? fail(`insecure sources: ${insecure.join(', ')}`)
        : pass('every source is secure')
    },
  },
  {
    id: 'LIVE-CSP-06',
    title: 'Framing, base URL and form targets restricted',
    severity: 'medium',
    fix: "In the header policy: frame-ancestors 'none' (or 'self'), base-uri 'none' (or 'self'), form-action 'self' (kit's defaults).",
    run(ctx) {
      const missing = needCsp(ctx)
      if (missing) return missing
      const problems: string[] = []
      const frames = frameAncestorsOk(ctx)
      if (!frames.ok) problems.push(frames.finding)
      const base = ctx.csp!.get('base-uri')
      if (!base || [...base].some((s) => s !== "'none'" && s !== "'self'"))
        problems.push(base ? `base-uri ${[...base].join(' ')}` : 'no base-uri')
      const form = ctx.csp!.get('form-action')
      if (!form || [...form].some((s) => BROAD.has(s)))
        problems.push(form ? `form-action ${[...form].join(' ')}` : 'no form-action')
      return problems.length
        ? fail(problems.join('; '))
        : pass('frame-ancestors, base-uri and form-action restricted')
    },
  },
  {
    id: 'LIVE-CSP-07',
    title: 'Styles locked down',
    severity: 'low',
    fix: "Drop 'unsafe-inline', data: and wildcards from style-src; use the nonce for inline styles.",
    run(ctx) {
      const missing = needCsp(ctx)
      if (missing) return missing
      const style = effective(ctx.csp!, 'style-src')
      if (!style) return fail('neither style-src nor default-src is set')
      const loose = [...style].filter(
        (s) => BROAD.has(s) || s === 'data:' || (s === "'unsafe-inline'" && !hasNonceOrHash(style)),
      )
      return loose.length ? fail(`style-src allows ${loose.join(' ')}`) : pass(`style-src ${show(style)}`)
    },
  },
  {
    id: 'LIVE-CSP-08',
    title: "default-src 'none' (the top CSP tier)",
    severity: 'info',
    fix: "Start from default-src 'none' and allow each resource type explicitly (kit's default policy does).",
    run(ctx) {
      const missing = needCsp(ctx)
      if (missing) return missing
      const def = ctx.csp!.get('default-src')
      return def?.size === 1 && def.has("'none'")
        ? pass("default-src 'none'")
        : fail(`default-src is ${def ? [...def].join(' ') : 'not set'}`)
    },
  },
  {
    id: 'LIVE-XFO-01',
    title: 'Clickjacking defence',
    severity: 'medium',
    fix: "Send frame-ancestors 'none' in the CSP header (kit's default) or X-Frame-Options: DENY.",
    run(ctx) {
      if (!ctx.page) return fail('HTTPS does not answer')
      const frames = frameAncestorsOk(ctx)
      if (frames.ok) return pass(frames.finding)
      const xfo = ctx.page.fields.get('x-frame-options') ?? []
      const value = xfo.length === 1 ? xfo[0]!.trim().toUpperCase() : ''
      if (value === 'DENY' || value === 'SAMEORIGIN') return pass(`X-Frame-Options: ${value}`)
      return fail(
        xfo.length
          ? `X-Frame-Options "${xfo.join(', ')}" and ${frames.finding}`
          : `no X-Frame-Options and ${frames.finding}`,
      )
    },
  },
]
