import { formText, readCookie } from '@kit/security'
import { describe, expect, it } from 'vitest'

describe('formText', () => {
  it('accepts ordinary text, emoji included', () => {
    expect(formText('ada@example.com')).toBe('ada@example.com')
    expect(formText('héllo 👋')).toBe('héllo 👋')
    expect(formText('two\nlines', { multiline: true })).toBe('two\nlines')
  })

  it.each([
    ['NUL', 'a\u0000b@example.com'],
    ['a control character', 'a\u001bb'],
    ['DEL', 'a\u007f'],
    ['a line break (single-line field)', 'a\nb'],
    ['a lone high surrogate', '\ud800@example.com'],
    ['a lone low surrogate', 'x\udc00'],
    ['too long', 'a'.repeat(1001)],
    ['empty', ''],
    ['an array (a[]=1)', ['a']],
    ['an object', { $gt: '' }],
    ['a number', 42],
    ['missing', undefined],
  ])('refuses %s', (_label, value) => {
    expect(formText(value)).toBeUndefined()
  })

  it('takes maxLength', () => {
    expect(formText('abcd', { maxLength: 3 })).toBeUndefined()
    expect(formText('abc', { maxLength: 3 })).toBe('abc')
  })
})

describe('readCookie', () => {
  it('reads and decodes one cookie', () => {
    expect(readCookie('a=1; __Host-session=x%20y; b=2', '__Host-session')).toBe('x y')
    expect(readCookie('a="quoted"', 'a')).toBe('quoted')
    expect(readCookie('a=1=2', 'a')).toBe('1=2')
  })

  it('treats a malformed or missing cookie as absent, never throws', () => {
    expect(readCookie('__Host-session=%E0%A4%A', '__Host-session')).toBeUndefined()
    expect(readCookie('__Host-session=%', '__Host-session')).toBeUndefined()
    expect(readCookie(undefined, 'a')).toBeUndefined()
    expect(readCookie('novalue; other', 'a')).toBeUndefined()
  })
})
