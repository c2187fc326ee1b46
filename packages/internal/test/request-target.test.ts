import type { IncomingMessage } from 'node:http'
import { NO_PATH, pathIsUnder, routedPath, routedPathOf } from '@kit/internal'
import { describe, expect, it } from 'vitest'

// Every RFC 9112 request-target form Node's parser lets through, and the path Express and Fastify
// route it by (checked against both through sockets in packages/core/test/attack-request-targets.test.ts).
const CASES: [target: string, routed: string][] = [
  ['/auth/login', '/auth/login'],
  ['/auth/login?next=/x', '/auth/login'],
  ['/auth/login#frag', '/auth/login'],
  ['/AUTH/Login', '/auth/login'],
  ['/auth/login/', '/auth/login'],
  ['//auth//login', '/auth/login'],
  ['/%61uth/login', '/auth/login'],
  ['/auth/%zz', '/auth/%zz'],
  ['http://example.com/auth/login', '/auth/login'],
  ['HTTP://EXAMPLE.COM/auth/login', '/auth/login'],
  ['https://evil.io/auth/login?x=1', '/auth/login'],
  ['foo://x/auth/login', '/auth/login'],
  ['ws://h/auth/login', '/auth/login'],
  ['a+b.c-d://h/auth/login', '/auth/login'],
  ['http://u@host/auth/login', '/auth/login'],
  ['http://u:p@host:81/auth/login', '/auth/login'],
  ['http://h@evil/auth/login', '/auth/login'],
  ['http://[::1]:80/auth/login', '/auth/login'],
  ['http://h:/auth/login', '/auth/login'],
  ['http://host/AUTH/login', '/auth/login'],
  ['http://a/b@c/auth/login', '/b@c/auth/login'],
  ['http://host', '/'],
  ['http://host?x', '/'],
  ['http://h?x/auth/login', '/'],
  ['*', NO_PATH],
  ['example.com:443', NO_PATH],
  ['', '/'],
]

describe('routedPath', () => {
  it.each(CASES)('%s → %s', (target, routed) => {
    expect(routedPath(target)).toBe(routed)
  })

  it('keeps the case when the router is case-sensitive (Fastify)', () => {
    expect(routedPath('http://h/Auth/Login?x', true)).toBe('/Auth/Login')
  })
})

describe('pathIsUnder', () => {
  it('matches whole segments', () => {
    expect(pathIsUnder('/auth', '/auth')).toBe(true)
    expect(pathIsUnder('/auth/login', '/auth')).toBe(true)
    expect(pathIsUnder('/authors', '/auth')).toBe(false)
    expect(pathIsUnder('/anything', '/')).toBe(true)
  })
})

describe('routedPathOf', () => {
  it("reads Express's originalUrl, else url, and recomputes when the target changes", () => {
    const req = { url: 'http://h/A/b?x' } as IncomingMessage & { originalUrl?: string }
    expect(routedPathOf(req)).toBe('/a/b')
    req.url = '/c'
    expect(routedPathOf(req)).toBe('/c')
    req.originalUrl = '/Mounted/c'
    expect(routedPathOf(req)).toBe('/mounted/c')
  })
})
