import type { IncomingMessage } from 'node:http'
import { clientAddress, isPrivateAddress, normalizeAddress } from '@kit/internal'
import { describe, expect, it } from 'vitest'

describe('normalizeAddress', () => {
  it.each([
    ['198.20.0.9', '198.20.0.9'],
    ['198.20.0.9:1234', '198.20.0.9'],
    ['[::ffff:198.20.0.9]', '198.20.0.9'],
    ['[::ffff:198.20.0.9]:443', '198.20.0.9'],
    ['::ffff:198.20.0.9', '198.20.0.9'],
    ['198.020.000.009', '198.20.0.9'],
    [' 198.20.0.9 ', '198.20.0.9'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['[0:0:0:0:0:0:0:1]', '::1'],
    ['2001:DB8:0:0::1', '2001:db8::1'],
    ['fe80::1%eth0', 'fe80::1'],
  ])('%s is %s', (input, canonical) => {
    expect(normalizeAddress(input)).toBe(canonical)
  })

  it.each(['', 'unknown', '300.1.1.1', 'example.com', '[::1', 'x'.repeat(200)])(
    '%s is no address',
    (input) => {
      expect(normalizeAddress(input)).toBeUndefined()
    },
  )
})

describe('isPrivateAddress (ipaddr.js ranges)', () => {
  it.each([
    '10.1.2.3',
    '172.16.0.1',
    '192.168.1.1',
    '127.0.0.1',
    '169.254.1.1',
    '100.64.0.1',
    '::1',
    '0:0:0:0:0:0:0:1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    'fc00::1',
    'fd12::1',
    'fe80::1',
    '10.0.0.1:8080',
  ])('%s is private', (address) => {
    expect(isPrivateAddress(address)).toBe(true)
  })

  it.each([
    '8.8.8.8',
    '172.32.0.1',
    'fc::1',
    'fd::1',
    'fe8::1',
    '2001:db8::1',
    '::ffff:8.8.8.8',
    'junk',
    undefined,
  ])('%s is not private', (address) => {
    expect(isPrivateAddress(address)).toBe(false)
  })
})

describe('clientAddress', () => {
  const request = (remote: string): IncomingMessage =>
    ({ socket: { remoteAddress: remote } }) as IncomingMessage

  it('normalises the framework address once and caches it on the request', () => {
    const req = request('10.0.0.1')
    expect(clientAddress(req, '198.020.000.009')).toBe('198.20.0.9')
    expect(clientAddress(req, '5.5.5.5')).toBe('198.20.0.9')
  })

  it('falls back to the connection address when the forwarded one is junk', () => {
    expect(clientAddress(request('::ffff:10.0.0.1'), 'not-an-ip')).toBe('10.0.0.1')
  })
})
