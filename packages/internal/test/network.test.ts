import type { IncomingMessage } from 'node:http'
import { clientAddress, isPrivateAddress, normalizeAddress } from '@kit/internal'
import ipaddr from 'ipaddr.js'
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

describe('normalizeAddress on canonical dotted quads (returned without a parse)', () => {
  it('gives what ipaddr.js prints for every canonical quad shape, and parses the rest', () => {
    const samples = ['0.0.0.0', '255.255.255.255', '1.2.3.4', '10.0.0.1', '127.0.0.1', '99.100.199.200']
    for (const part of [0, 9, 10, 99, 100, 199, 200, 249, 250, 255]) samples.push(`${part}.${part}.1.${part}`)
    for (const sample of samples) {
      expect(normalizeAddress(sample)).toBe(ipaddr.parse(sample).toString())
    }
    for (const near of ['256.1.1.1', '1.2.3.04', '01.2.3.4', '1.2.3', '1.2.3.4.5', '1.2.3.4 ', '1..2.3']) {
      expect(normalizeAddress(near)).not.toBe(near)
    }
  })
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
