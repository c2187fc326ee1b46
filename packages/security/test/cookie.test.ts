import { cookieName, secureCookie } from '@kit/security'
import { listenExpress, listenFastify } from '@kit/test-utils'
import express from 'express'
import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { send } from './support/http.ts'

describe('secureCookie defaults', () => {
  it('adds __Host-, Path=/, Secure, HttpOnly and SameSite=Lax', () => {
    expect(secureCookie('session', 'abc')).toBe('__Host-session=abc; Path=/; Secure; HttpOnly; SameSite=Lax')
  })

  it('URI-encodes the value', () => {
    expect(secureCookie('s', 'a b;c=d,é')).toBe(
      '__Host-s=a%20b%3Bc%3Dd%2C%C3%A9; Path=/; Secure; HttpOnly; SameSite=Lax',
    )
  })

  it('keeps a prefix the name already has', () => {
    expect(secureCookie('__Host-id', '1')).toMatch(/^__Host-id=1;/)
    expect(secureCookie('__Secure-id', '1', { domain: 'example.com' })).toMatch(
      /^__Secure-id=1; Path=\/; Domain=example\.com;/,
    )
  })

  it('reports the name to read back with cookieName()', () => {
    expect(cookieName('session')).toBe('__Host-session')
    expect(cookieName('session', { path: '/app' })).toBe('__Secure-session')
    expect(cookieName('session', { secure: false })).toBe('session')
  })
})

describe('secureCookie options', () => {
  it('uses __Secure- when a Domain or another Path rules out __Host-', () => {
    expect(secureCookie('s', '1', { domain: 'example.com' })).toMatch(
      /^__Secure-s=1; Path=\/; Domain=example\.com; Secure/,
    )
    expect(secureCookie('s', '1', { path: '/app' })).toMatch(/^__Secure-s=1; Path=\/app;/)
  })

  it('sets Max-Age, and expires the cookie for maxAge 0', () => {
    expect(secureCookie('s', '1', { maxAge: 3600 })).toContain('; Max-Age=3600;')
    expect(secureCookie('s', '', { maxAge: 0 })).toContain(
      '; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT;',
    )
  })

  it('sets Expires, SameSite=Strict/None and Partitioned', () => {
    const expires = new Date('2030-01-02T03:04:05Z')
    expect(secureCookie('s', '1', { expires })).toContain('Expires=Wed, 02 Jan 2030 03:04:05 GMT')
    expect(secureCookie('s', '1', { sameSite: 'Strict' })).toMatch(/SameSite=Strict$/)
    expect(secureCookie('s', '1', { sameSite: 'None', partitioned: true })).toMatch(
      /Secure; HttpOnly; SameSite=None; Partitioned$/,
    )
  })

  it('drops Secure and the prefix with secure: false (plain-http development)', () => {
    expect(secureCookie('s', '1', { secure: false })).toBe('s=1; Path=/; HttpOnly; SameSite=Lax')
  })

  it('prefix: false keeps the bare name; httpOnly: false drops HttpOnly', () => {
    expect(secureCookie('theme', 'dark', { prefix: false, httpOnly: false })).toBe(
      'theme=dark; Path=/; Secure; SameSite=Lax',
    )
  })
})

describe('invalid cookies', () => {
  it.each([
    ['bad name', 'x', {}, /"bad name" is not a cookie name/],
    ['a;b', 'x', {}, /is not a cookie name/],
    ['', 'x', {}, /is not a cookie name/],
    ['s', 'x', { sameSite: 'lax' }, /sameSite must be 'Lax', 'Strict' or 'None'/],
    ['s', 'x', { sameSite: 'None', secure: false }, /SameSite=None needs Secure/],
    ['s', 'x', { path: 'app' }, /path must start with '\/'/],
    ['s', 'x', { path: '/a;b' }, /path must start with '\/'/],
    ['s', 'x', { domain: 'exa mple.com' }, /is not a host name/],
    ['s', 'x', { maxAge: 1.5 }, /maxAge must be whole seconds/],
    ['s', 'x', { expires: new Date('nope') }, /expires must be a valid Date/],
    ['s', 'x', { prefix: '__Host-', domain: 'example.com' }, /__Host- cookies need Path=\/ and no Domain/],
    ['__Host-s', 'x', { secure: false }, /the __Host- prefix needs Secure/],
    ['s', 42, {}, /the value must be a string/],
  ])('secureCookie(%j, %j, %j) throws', (name, value, options, message) => {
    expect(() => secureCookie(name, value as string, options as never)).toThrow(
      expect.objectContaining({
        code: 'KIT_SECURITY_INVALID_COOKIE',
        message: expect.stringMatching(message),
      }),
    )
  })
})

describe('secureCookie over HTTP', () => {
  it('reaches the client unchanged from Express and Fastify', async () => {
    const value = secureCookie('session', 'id-1', { maxAge: 60 })
    const e = express()
    e.get('/login', (_req, res) => {
      res.append('Set-Cookie', value)
      res.append('Set-Cookie', secureCookie('csrf', 'x'))
      res.send('ok')
    })
    const f = Fastify()
    f.get('/login', async (_request, reply) => {
      reply.header('set-cookie', value)
      reply.header('set-cookie', secureCookie('csrf', 'x'))
      return 'ok'
    })
    const servers = [await listenExpress(e), await listenFastify(f)]
    try {
      for (const server of servers) {
        const res = await send(`${server.url}/login`)
        expect(res.headers['set-cookie']).toEqual([value, secureCookie('csrf', 'x')])
      }
    } finally {
      for (const server of servers) await server.close()
    }
  })
})
