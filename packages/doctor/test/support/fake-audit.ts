import type { IncomingHttpHeaders } from 'node:http'
import { type AuditContext, type CheckResult, LIVE_CHECKS, runChecks } from '@kit/doctor'
import type { Collected, CorsProbe, CorsProbeKind } from '../../src/live/collect.ts'
import { createAuditContext } from '../../src/live/context.ts'
import type { FetchedResponse } from '../../src/live/http-client.ts'

export type HeaderPairs = readonly (readonly [string, string])[]

/** A response as the audit's client would have read it: header pairs in order, duplicates allowed. */
export function response(url: string, status: number, pairs: HeaderPairs = [], body = ''): FetchedResponse {
  const fields = new Map<string, string[]>()
  const headers: IncomingHttpHeaders = {}
  for (const [rawName, value] of pairs) {
    const name = rawName.toLowerCase()
    fields.set(name, [...(fields.get(name) ?? []), value])
  }
  for (const [name, values] of fields) {
    // Node's rules: set-cookie stays a list, other repeats are joined with ", ".
    if (name === 'set-cookie') headers[name] = values
    else headers[name] = values.join(', ')
  }
  const out: FetchedResponse = { url, method: 'GET', status, headers, fields, body }
  if (url.startsWith('https:'))
    out.tls = { authorized: true, error: undefined, validTo: new Date(Date.UTC(2027, 0, 1)) }
  return out
}

export const URL_ = 'https://example.com/'
export const GOOD_PAGE: HeaderPairs = [
  ['content-type', 'text/html; charset=utf-8'],
  [
    'content-security-policy',
    "default-src 'none'; script-src 'self' 'nonce-abc'; style-src 'self' 'nonce-abc'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  ],
  ['strict-transport-security', 'max-age=63072000; includeSubDomains'],
  ['x-content-type-options', 'nosniff'],
  ['x-frame-options', 'DENY'],
  ['referrer-policy', 'strict-origin-when-cross-origin'],
  ['permissions-policy', 'camera=(), geolocation=()'],
  ['cross-origin-opener-policy', 'same-origin'],
  ['cross-origin-resource-policy', 'same-origin'],
]

export interface FakeScan {
  page?: { status?: number; headers?: HeaderPairs; body?: string; tls?: FetchedResponse['tls'] } | false
  /** The http:// chain as [url, status] pairs; false: HTTP closed. */
  http?: readonly (readonly [string, number])[] | false
  /** CORS answers by probe kind: header pairs for OPTIONS and GET; false: no probe got an answer. */
  cors?: Partial<Record<CorsProbeKind, HeaderPairs>> | false
  notFound?: { status: number; body: string; headers?: HeaderPairs }
  health?: number | false
}

const PROBE_ORIGINS: Record<CorsProbeKind, string> = {
  random: 'https://0badc0de.invalid-origin.example',
  null: 'null',
  prefix: 'https://evilexample.com',
  hyphen: 'https://evil-example.com',
  suffix: 'https://example.com.0badc0de.example',
  dot: 'https://exampleacom',
  insecure: 'http://example.com',
}

/** The AuditContext a scan with these responses would give (no network). */
export function fakeContext(scan: FakeScan, now = new Date(Date.UTC(2026, 10, 22))): AuditContext {
  const target = new URL(URL_)
  const page =
    scan.page === false
      ? undefined
      : response(
          URL_,
          scan.page?.status ?? 200,
          scan.page?.headers ?? GOOD_PAGE,
          scan.page?.body ?? '<!doctype html><p>hi</p>',
        )
  if (page && scan.page !== false && scan.page?.tls) page.tls = scan.page.tls
  const httpHops =
    scan.http === false
      ? []
      : (scan.http ?? [
          ['http://example.com/', 301],
          [URL_, 200],
        ])
  const hops = httpHops.map(([url, status]) => ({
    url,
    status,
    response: response(
      url,
      status,
      status >= 300 && status < 400
        ? [['location', httpHops[httpHops.findIndex((h) => h[0] === url) + 1]?.[0] ?? URL_]]
        : [],
    ),
  }))
  const cors: CorsProbe[] = (Object.keys(PROBE_ORIGINS) as CorsProbeKind[]).map((kind) => {
    if (scan.cors === false)
      return { kind, origin: PROBE_ORIGINS[kind], preflight: undefined, get: undefined }
    const pairs = scan.cors?.[kind] ?? []
    return {
      kind,
      origin: PROBE_ORIGINS[kind],
      preflight: response(URL_, 204, pairs),
      get: response(URL_, 200, pairs),
    }
  })
  const collected: Collected = {
    target,
    httpUrl: new URL('http://example.com/'),
    https: page
      ? {
          hops: [{ url: URL_, status: page.status, response: page }],
          final: page,
          error: undefined,
          leftOrigin: false,
        }
      : { hops: [], final: undefined, error: 'ECONNREFUSED: refused', leftOrigin: false },
    http:
      scan.http === false
        ? { hops: [], final: undefined, error: 'ECONNREFUSED: refused', leftOrigin: false }
        : { hops, final: hops.at(-1)?.response, error: undefined, leftOrigin: false },
    robots: undefined,
    notFound: scan.notFound
      ? response(
          'https://example.com/0f8a',
          scan.notFound.status,
          scan.notFound.headers ?? [],
          scan.notFound.body,
        )
      : response('https://example.com/0f8a', 404, [], '{"statusCode":404}'),
    health:
      scan.health === false ? undefined : response('https://example.com/health/ready', scan.health ?? 200),
    healthError: scan.health === false ? 'ECONNREFUSED: refused' : undefined,
    cors,
  }
  return createAuditContext(collected, 5, now)
}

/** Runs one live check on a fake scan. */
export async function check(id: string, scan: FakeScan, now?: Date): Promise<CheckResult> {
  const definition = LIVE_CHECKS.find((c) => c.id === id)
  if (!definition) throw new Error(`no check ${id}`)
  const [result] = await runChecks([definition], fakeContext(scan, now))
  return result!
}

/** GOOD_PAGE with one header replaced (undefined removes it) or added. */
export function pageWith(name: string, value: string | undefined | readonly string[]): HeaderPairs {
  const kept = GOOD_PAGE.filter(([n]) => n !== name)
  if (value === undefined) return kept
  const values = typeof value === 'string' ? [value] : value
  return [...kept, ...values.map((v) => [name, v] as const)]
}
