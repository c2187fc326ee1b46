import { type CheckDefinition, fail, type Outcome, pass, skip } from '../../types.ts'
import type { CorsProbe, CorsProbeKind } from '../collect.ts'
import type { AuditContext } from '../context.ts'
import type { FetchedResponse } from '../http-client.ts'

type LiveCheck = CheckDefinition<AuditContext>

/** Every CORS check says nothing when no probe got an answer (the site did not respond). */
function probed(check: Omit<LiveCheck, 'run'> & { run(ctx: AuditContext): Outcome }): LiveCheck {
  return {
    ...check,
    run: (ctx) =>
      ctx.collected.cors.some((p) => p.preflight || p.get)
        ? check.run(ctx)
        : skip('no CORS probe got an answer'),
  }
}

interface Answer {
  probe: CorsProbe
  method: 'OPTIONS' | 'GET'
  acao: string | undefined
  credentials: boolean
  response: FetchedResponse
}

function answers(ctx: AuditContext, kinds?: readonly CorsProbeKind[]): Answer[] {
  return ctx.collected.cors
    .filter((probe) => !kinds || kinds.includes(probe.kind))
    .flatMap((probe) =>
      (
        [
          ['OPTIONS', probe.preflight],
          ['GET', probe.get],
        ] as const
      ).flatMap(([method, response]) =>
        response
          ? [
              {
                probe,
                method,
                acao: response.headers['access-control-allow-origin']?.toString().trim(),
                credentials:
                  response.headers['access-control-allow-credentials']?.toString().trim().toLowerCase() ===
                  'true',
                response,
              },
            ]
          : [],
      ),
    )
}

const describe = (a: Answer) =>
  `${a.method} with Origin: ${a.probe.origin} → Access-Control-Allow-Origin: ${a.acao}${a.credentials ? ' with credentials' : ''}`
const reflected = (a: Answer) => a.acao === a.probe.origin

export const CORS_CHECKS: readonly LiveCheck[] = [
  probed({
    id: 'LIVE-CORS-01',
    title: 'Any origin is not trusted with credentials',
    severity: 'critical',
    fix: 'Never echo the Origin header back: allow a fixed list of origins (ALLOWED_ORIGINS) and credentials only for them (kit’s CORS does).',
    run(ctx) {
      const bad = answers(ctx, ['random']).find((a) => reflected(a) && a.credentials)
      return bad
        ? fail(`any site can read authenticated responses: ${describe(bad)}`)
        : pass('a random origin gets no credentialed access')
    },
  }),
  probed({
    id: 'LIVE-CORS-02',
    title: 'The null origin is not trusted with credentials',
    severity: 'high',
    fix: "Remove 'null' from the allowed origins: sandboxed iframes and local files send it, so any site can forge it.",
    run(ctx) {
      const bad = answers(ctx, ['null']).find((a) => a.acao === 'null' && a.credentials)
      return bad ? fail(describe(bad)) : pass('Origin: null is not trusted')
    },
  }),
  probed({
    id: 'LIVE-CORS-03',
    title: 'Allow-list cannot be bypassed with look-alike origins',
    severity: 'high',
    fix: 'Match origins exactly (or whole labels of *.example.com): a regex or endsWith/startsWith check lets evilexample.com and example.com.evil.net in.',
    run(ctx) {
      const bad = answers(ctx, ['prefix', 'hyphen', 'suffix', 'dot']).filter(reflected)
      if (bad.length === 0) return pass('look-alike origins are refused')
      const worst = bad.find((a) => a.credentials) ?? bad[0]!
      return fail(`${worst.credentials ? 'critical: ' : ''}${describe(worst)}`)
    },
  }),
  probed({
    id: 'LIVE-CORS-04',
    title: 'No wildcard origin with credentials',
    severity: 'medium',
    fix: 'Access-Control-Allow-Origin: * cannot carry credentials; list the origins that need cookies instead.',
    run(ctx) {
      const bad = answers(ctx).find((a) => a.acao === '*' && a.credentials)
      return bad ? fail(describe(bad)) : pass('no "*" with credentials')
    },
  }),
  probed({
    id: 'LIVE-CORS-05',
    title: 'The plain-HTTP origin is not trusted with credentials',
    severity: 'medium',
    fix: 'Trust only https:// origins in production: a network attacker can inject scripts into the http:// origin.',
    run(ctx) {
      const bad = answers(ctx, ['insecure']).find((a) => reflected(a) && a.credentials)
      return bad ? fail(describe(bad)) : pass('http:// origin not trusted')
    },
  }),
  probed({
    id: 'LIVE-CORS-06',
    title: 'Vary: Origin on origin-specific CORS answers',
    severity: 'low',
    fix: 'Add Vary: Origin whenever Access-Control-Allow-Origin depends on the request, or caches serve one origin’s answer to another.',
    run(ctx) {
      const specific = answers(ctx).filter((a) => a.acao !== undefined && a.acao !== '*')
      const bad = specific.find(
        (a) => !/(^|,)\s*(origin|\*)\s*(,|$)/i.test(String(a.response.headers.vary ?? '')),
      )
      if (specific.length === 0) return pass('no origin-specific CORS answer')
      return bad ? fail(`${describe(bad)} without Vary: Origin`) : pass('Vary: Origin sent')
    },
  }),
  probed({
    id: 'LIVE-CORS-07',
    title: 'Any origin is not trusted even without credentials',
    severity: 'info',
    fix: 'If responses are not public data, do not echo arbitrary origins; list the origins allowed to read them.',
    run(ctx) {
      const bad = answers(ctx, ['random']).find((a) => reflected(a) && !a.credentials)
      return bad ? fail(describe(bad)) : pass('a random origin is not echoed')
    },
  }),
]
