import { parseConfiguredOrigin } from '@kit/internal'
import { describe, expect, it } from 'vitest'

describe('parseConfiguredOrigin', () => {
  it.each([
    ['https://example.com', 'https://example.com'],
    ['https://Example.com/', 'https://example.com'],
    ['HTTPS://Example.COM:443', 'https://example.com'],
    ['http://localhost:5173', 'http://localhost:5173'],
    ['http://[::1]:3000', 'http://[::1]:3000'],
    ['https://exämple.com', 'https://xn--exmple-cua.com'],
    ['https://*.example.com', 'https://*.example.com'],
    ['https://*.Example.com:8443/', 'https://*.example.com:8443'],
  ])('reads %s as %s', (entry, text) => {
    expect(parseConfiguredOrigin(entry)).toMatchObject({ text })
  })

  it.each([
    ['null', "is the opaque 'null' origin"],
    ['example.com', 'needs a scheme'],
    ['ftp://example.com', 'needs a scheme'],
    ['https://example.com/path', 'has a path, query or credentials'],
    ['https://example.com?x=1', 'has a path, query or credentials'],
    ['https://user@example.com', 'has a path, query or credentials'],
    ['https://*example.com', "has a '*' that is not the whole first label"],
    ['https://app.*.example.com', "has a '*' that is not the whole first label"],
    ['https://*.com', 'matches a whole top-level domain'],
    ['https://exa_mple.com', 'has an invalid host name'],
    ['https://example.com:0', 'has a port outside 1-65535'],
    ['https://example.com:99999', 'has a port outside 1-65535'],
    ['http://[::1', 'is not an origin'],
  ])('refuses %s: %s', (entry, why) => {
    expect(parseConfiguredOrigin(entry)).toEqual({
      problem: expect.stringContaining(`${JSON.stringify(entry)} ${why}`),
    })
  })
})
