import { ipKeyGenerator } from 'express-rate-limit'
import { describe, expect, it } from 'vitest'
import { ipKey } from '../src/index.ts'

describe('ipKey', () => {
  it('keeps IPv4 addresses as they are', () => {
    expect(ipKey('203.0.113.7', 56)).toBe('203.0.113.7')
  })

  it('maps IPv4-mapped IPv6 addresses to their IPv4 form', () => {
    expect(ipKey('::ffff:203.0.113.7', 56)).toBe('203.0.113.7')
  })

  it('groups every address of one /56 into one key', () => {
    const keys = new Set(
      [
        '2001:db8:1:200::1',
        '2001:db8:1:2ff:ffff:ffff:ffff:ffff',
        '2001:db8:1:2ab:1234::9',
        '2001:DB8:1:200::2',
      ].map((ip) => ipKey(ip, 56)),
    )
    expect(keys.size).toBe(1)
  })

  it('gives neighbouring /56 networks different keys', () => {
    expect(ipKey('2001:db8:1:200::1', 56)).not.toBe(ipKey('2001:db8:1:300::1', 56))
  })

  it('uses the configured prefix length', () => {
    expect(ipKey('2001:db8:1:201::1', 64)).not.toBe(ipKey('2001:db8:1:202::1', 64))
    expect(ipKey('2001:db8:1:201::1', 48)).toBe(ipKey('2001:db8:1:ff02::1', 48))
  })

  it('treats loopback ::1 as an IPv6 network, never as an empty key', () => {
    expect(ipKey('::1', 56)).not.toBe('')
  })

  it("writes the same keys as express-rate-limit's ipKeyGenerator (counters in a shared store carry over)", () => {
    const addresses = [
      '2001:db8:abcd:12::1:7',
      '2001:0DB8:0000:0000:0000:ff00:0042:8329',
      '1:2:3:4:5:6:7:8',
      'fe80::1',
      '::1',
      '::',
      '2001:db8:0:0:1::1',
      '2001:db8:ab00::',
      '203.0.113.7',
    ]
    for (const subnet of [32, 48, 56, 64])
      for (const ip of addresses) expect(ipKey(ip, subnet)).toBe(ipKeyGenerator(ip, subnet))
  })
})
