import { classifyScripts } from '../../observatory/sri.ts'
import { type CheckDefinition, fail, pass, skip } from '../../types.ts'
import type { AuditContext } from '../context.ts'
import type { FetchedResponse } from '../http-client.ts'

type LiveCheck = CheckDefinition<AuditContext>

/**
 * Headers that only tell attackers what runs the site (OWASP Secure Headers
 * Project, ci/headers_remove.json). X-Powered-By and Server have checks of
 * their own.
 */
export const REMOVE_LIST: readonly string[] = [
  '$wsep',
  'Host-Header',
  'K-Proxy-Request',
  'Liferay-Portal',
  'OracleCommerceCloud-Version',
  'Pega-Host',
  'Powered-By',
  'Product',
  'SourceMap',
  'X-AspNet-Version',
  'X-AspNetMvc-Version',
  'X-Atmosphere-error',
  'X-Atmosphere-first-request',
  'X-Atmosphere-tracking-id',
  'X-B3-ParentSpanId',
  'X-B3-Sampled',
  'X-B3-SpanId',
  'X-B3-TraceId',
  'X-BEServer',
  'X-CF-Powered-By',
  'X-CMS',
  'X-CalculatedBETarget',
  'X-Cocoon-Version',
  'X-Content-Encoded-By',
  'X-DiagInfo',
  'X-Envoy-Attempt-Count',
  'X-Envoy-External-Address',
  'X-Envoy-Internal',
  'X-Envoy-Original-Dst-Host',
  'X-Envoy-Upstream-Service-Time',
  'X-FEServer',
  'X-Framework',
  'X-Generated-By',
  'X-Generator',
  'X-Jitsi-Release',
  'X-Kubernetes-PF-FlowSchema-UI',
  'X-Kubernetes-PF-PriorityLevel-UID',
  'X-LiteSpeed-Cache',
  'X-LiteSpeed-Purge',
  'X-LiteSpeed-Tag',
  'X-LiteSpeed-Vary',
  'X-Litespeed-Cache-Control',
  'X-Mod-Pagespeed',
  'X-Nextjs-Cache',
  'X-Nextjs-Matched-Path',
  'X-Nextjs-Page',
  'X-Nextjs-Redirect',
  'X-OWA-Version',
  'X-Old-Content-Length',
  'X-OneAgent-JS-Injection',
  'X-Page-Speed',
  'X-Php-Version',
  'X-Powered-By-Plesk',
  'X-Powered-CMS',
  'X-Redirect-By',
  'X-Server-Powered-By',
  'X-SourceFiles',
  'X-SourceMap',
  'X-Turbo-Charged-By',
  'X-Umbraco-Version',
  'X-Varnish-Backend',
  'X-Varnish-Server',
  'X-dtAgentId',
  'X-dtHealthCheck',
  'X-dtInjectedServlet',
  'X-ruxit-JS-Agent',
]

/** A JavaScript stack frame ("at fn (/app/src/x.js:12:5)") or a Python/Java trace. */
const STACK_TRACE = /\bat .+:\d+:\d+\)?|Traceback \(most recent call last\)|\bat [\w$.]+\([\w.]+\.java:\d+\)/
const responses = (ctx: AuditContext): FetchedResponse[] =>
  [ctx.page, ctx.collected.notFound].filter((r): r is FetchedResponse => r !== undefined)

export const LEAK_CHECKS: readonly LiveCheck[] = [
  {
    id: 'LIVE-INFO-01',
    title: 'No X-Powered-By header',
    severity: 'low',
    fix: "Remove X-Powered-By (Express: app.disable('x-powered-by'); kit removes it).",
    run(ctx) {
      const found = responses(ctx).find((r) => r.fields.has('x-powered-by'))
      return found ? fail(`X-Powered-By: ${found.fields.get('x-powered-by')!.join(', ')}`) : pass('not sent')
    },
  },
  {
    id: 'LIVE-INFO-02',
    title: 'No version number in the Server header',
    severity: 'low',
    fix: 'Drop the version from Server (nginx: server_tokens off; Apache: ServerTokens Prod) or remove the header.',
    run(ctx) {
      const servers = responses(ctx).flatMap((r) => r.fields.get('server') ?? [])
      const versioned = servers.find((s) => /\d/.test(s))
      if (versioned) return fail(`Server: ${versioned}`)
      return pass(servers.length ? `Server: ${servers[0]} (no version)` : 'no Server header')
    },
  },
  {
    id: 'LIVE-INFO-03',
    title: 'No technology-revealing headers',
    severity: 'low',
    fix: 'Strip the headers listed by the OWASP Secure Headers Project (X-AspNet-Version, X-Generator, X-Runtime...) at the app or proxy.',
    run(ctx) {
      const lower = REMOVE_LIST.map((h) => h.toLowerCase())
      const found = [
        ...new Set(
          responses(ctx).flatMap((r) => [...r.fields.keys()].filter((name) => lower.includes(name))),
        ),
      ]
      return found.length ? fail(`sent: ${found.join(', ')}`) : pass('none sent')
    },
  },
  {
    id: 'LIVE-ERR-01',
    title: 'Error pages leak no stack trace',
    severity: 'low',
    fix: 'Run with NODE_ENV=production and a handler that answers errors with a generic page or JSON (kit.listen() installs one); never send err.stack.',
    run(ctx) {
      const res = ctx.collected.notFound
      if (!res) return skip('the random path did not answer')
      const path = new URL(res.url).pathname
      const match = STACK_TRACE.exec(res.body)
      if (match) return fail(`${path} (${res.status}) shows a stack trace: "${match[0].slice(0, 80)}"`)
      return pass(`${path} answers ${res.status} without a stack trace`)
    },
  },
  {
    id: 'LIVE-SRI-01',
    title: 'Third-party scripts over HTTPS with integrity',
    severity: 'medium',
    fix: 'Load third-party scripts over https:// with an integrity="sha384-…" attribute (and crossorigin="anonymous"), or host them yourself.',
    run(ctx) {
      if (!ctx.page) return skip('HTTPS does not answer')
      if (!/html/.test(String(ctx.page.headers['content-type'] ?? 'text/html')))
        return pass('not an HTML page')
      const scripts = classifyScripts(ctx.page.body, new URL(ctx.page.url)).filter((s) => s.foreign)
      const bad = scripts.filter((s) => !s.secure || !s.integrity)
      if (bad.length === 0)
        return pass(
          scripts.length ? `${scripts.length} third-party scripts with integrity` : 'no third-party scripts',
        )
      return fail(
        `${bad[0]!.src}${bad[0]!.secure ? ' has no integrity' : ' is not loaded over https:'}${bad.length > 1 ? ` (+${bad.length - 1} more)` : ''}`,
      )
    },
  },
]
