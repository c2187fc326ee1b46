import type { IncomingMessage } from 'node:http'
import { createProbeAccess } from '@kit/internal'
import { describe, expect, it } from 'vitest'

const request = (remote: string, headers: Record<string, string>): IncomingMessage =>
  ({ socket: { remoteAddress: remote }, headers }) as unknown as IncomingMessage

describe('createProbeAccess', () => {
  const access = createProbeAccess({
    token: 'a-long-enough-token-value',
    tokenHeaders: ['x-health-token'],
    trustPrivateNetwork: true,
    allowedHost: (h) => h === 'app.example.com',
  })

  it('lets a private-network probe in with an IP literal, localhost or an allowed Host', () => {
    for (const host of ['10.0.0.5:3000', '[::1]:3000', 'localhost', 'app.example.com', '127.0.0.1'])
      expect(access(request('10.0.0.9', { host })), host).toBe(true)
  })

  it('refuses a private-network request naming another host (DNS rebinding)', () => {
    expect(access(request('10.0.0.9', { host: 'rebind.attacker.test' }))).toBe(false)
    expect(
      access(request('10.0.0.9', { host: '10.0.0.5', 'x-forwarded-host': 'rebind.attacker.test' })),
    ).toBe(false)
    expect(access(request('10.0.0.9', {}))).toBe(false)
  })

  it('refuses forwarded public hops and malformed Forwarded values', () => {
    expect(access(request('10.0.0.9', { host: 'localhost', 'x-forwarded-for': '8.8.8.8, 10.0.0.1' }))).toBe(
      false,
    )
    expect(access(request('10.0.0.9', { host: 'localhost', forwarded: 'for="[2001:db8::1]:80"' }))).toBe(
      false,
    )
    expect(access(request('10.0.0.9', { host: 'localhost', forwarded: 'for=10.0.0.2;proto=http' }))).toBe(
      true,
    )
  })

  it('takes the token from any Host and address, in Authorization or the extra header', () => {
    expect(
      access(request('8.8.8.8', { host: 'evil.test', authorization: 'Bearer a-long-enough-token-value' })),
    ).toBe(true)
    expect(
      access(request('8.8.8.8', { host: 'evil.test', 'x-health-token': 'a-long-enough-token-value' })),
    ).toBe(true)
    expect(access(request('8.8.8.8', { host: 'evil.test', authorization: 'Bearer wrong' }))).toBe(false)
  })
})
