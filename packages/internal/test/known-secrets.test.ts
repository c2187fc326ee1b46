import { addKnownSecret, clearKnownSecrets, redactKnownSecrets, redactString } from '@kit/internal'
import { afterEach, describe, expect, it } from 'vitest'
import { SecretMatcher } from '../src/known-secrets.ts'

afterEach(() => clearKnownSecrets())

// A few secrets take the alternation path, many the rolling hash: each test runs on both.
const PADDING = Array.from({ length: 40 }, (_, i) => `padding-secret-${i}-zzzz`)

describe.each([
  ['a few secrets', [] as string[]],
  ['many secrets', PADDING],
])('SecretMatcher with %s', (_label, padding) => {
  const create = () => {
    const matcher = new SecretMatcher()
    for (const s of padding) matcher.add(s)
    return matcher
  }

  it('replaces every occurrence, overlapping and nested ones as one span', () => {
    const matcher = create()
    for (const s of ['abcdef', 'cdefgh', 'xyz123', 'zz9999']) matcher.add(s)
    expect(matcher.replace('--abcdefgh--xyz123--', '#')).toBe('--#--#--')
    expect(matcher.replace('no secret here', '#')).toBe('no secret here')
    expect(matcher.replace('xyz123xyz123', '#')).toBe('#')
  })

  it('finds a secret that starts inside a partial match of another (failure links)', () => {
    const matcher = create()
    matcher.add('aaab-secret')
    matcher.add('aab-other')
    expect(matcher.replace('aaaab-secret and aab-other', '#')).toBe('a# and #')
  })

  it('agrees with a naive search on random text', () => {
    const matcher = create()
    const secrets = ['s3cr3t', 'passw0rd-long', 'tok_123456', 'ab12ab12']
    for (const s of secrets) matcher.add(s)
    const text = `x${secrets.join('y')}z ab12ab12ab12 tok_12345 s3cr3`
    const out = matcher.replace(text, '#')
    for (const s of secrets) expect(out).not.toContain(s)
    expect(out).toContain('tok_12345 s3cr3')
  })
})

describe('known secrets in redaction', () => {
  it('redactKnownSecrets and redactString scrub registered values, 1,000 of them', () => {
    for (let i = 0; i < 1000; i++) addKnownSecret(`secret-value-${i}-${'k'.repeat(8)}`)
    expect(redactKnownSecrets('GET /x/secret-value-517-kkkkkkkk')).toBe('GET /x/[REDACTED]')
    expect(redactString('ua secret-value-999-kkkkkkkk')).toBe('ua [REDACTED]')
  })
})
