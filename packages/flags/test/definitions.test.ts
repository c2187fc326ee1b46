import { isKitError } from '@kit/internal'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { createFlags, envNameOf, type FlagDefinitions } from '../src/index.ts'
import { DEFINITIONS } from './helpers/definitions.ts'

function definitionError(definitions: unknown): string {
  try {
    createFlags(definitions as FlagDefinitions, { file: false }, { env: {} })
  } catch (error) {
    expect(isKitError(error, 'KIT_FLAGS_INVALID_DEFINITION')).toBe(true)
    return (error as Error).message
  }
  throw new Error('expected KIT_FLAGS_INVALID_DEFINITION')
}

describe('definitions', () => {
  it.each([
    ['not an object', 'flags', 'definitions must be an object'],
    ['an array', [], 'definitions must be an object'],
    ['a flag that is not an object', { a: true }, 'must be an object like'],
    [
      'a missing default',
      { a: { description: 'x' } },
      'default must be a boolean, a string or a finite number, got nothing',
    ],
    ['an object default', { a: { default: {} } }, 'default must be a boolean'],
    ['a NaN default', { a: { default: Number.NaN } }, 'default must be a boolean'],
    ['a misspelt key', { a: { defualt: true } }, 'Did you mean "default"?'],
    ['a name with spaces', { 'new checkout': { default: false } }, 'Flag name "new checkout" is not allowed'],
    ['a name starting with a digit', { '1flag': { default: false } }, 'is not allowed'],
    [
      'a description that is not text',
      { a: { default: false, description: 1 } },
      'description must be a string',
    ],
    ['empty variants', { a: { default: 'x', variants: [] } }, 'variants must be a non-empty array'],
    [
      'variants on a boolean flag',
      { a: { default: false, variants: [true, false] } },
      'is a boolean flag: remove variants',
    ],
    [
      'variants of another type',
      { a: { default: 'x', variants: ['x', 1] } },
      'every variant must be a string',
    ],
    [
      'a default outside its variants',
      { a: { default: 'z', variants: ['x', 'y'] } },
      'is not one of its variants',
    ],
    ['repeated variants', { a: { default: 'x', variants: ['x', 'x'] } }, 'variants repeat a value'],
    [
      'two names with one env variable',
      { newCheckout: { default: false }, 'new-checkout': { default: false } },
      'would both be set by FLAG_NEW_CHECKOUT',
    ],
  ])('rejects %s', (_label, definitions, message) => {
    expect(definitionError(definitions)).toContain(message)
  })

  it('accepts names with letters, digits, "_", "-" and "."', () => {
    const flags = createFlags({ 'checkout.v2-beta_1': { default: true } }, { file: false }, { env: {} })
    expect(flags.get('checkout.v2-beta_1')).toBe(true)
  })

  it('maps names to FLAG_* variables in SCREAMING_SNAKE_CASE', () => {
    expect(envNameOf('newCheckout')).toBe('FLAG_NEW_CHECKOUT')
    expect(envNameOf('checkout-v2')).toBe('FLAG_CHECKOUT_V2')
    expect(envNameOf('api.rateLimit')).toBe('FLAG_API_RATE_LIMIT')
  })
})

describe('types', () => {
  const flags = createFlags(DEFINITIONS, { file: false }, { env: {} })

  it('types get() by each definition', () => {
    expectTypeOf(flags.get('newCheckout')).toEqualTypeOf<boolean>()
    expectTypeOf(flags.get('checkoutCopy')).toEqualTypeOf<'a' | 'b' | 'c'>()
    expectTypeOf(flags.get('maxItems')).toEqualTypeOf<number>()
    expectTypeOf(flags.forRequest({}).variant('checkoutCopy')).toEqualTypeOf<'a' | 'b' | 'c'>()
    expect(flags.get('checkoutCopy')).toBe('a')
  })

  it('rejects unknown names and values of the wrong type at compile time', async () => {
    // @ts-expect-error: not a defined flag.
    expect(() => flags.get('oldCheckout')).toThrow(/Unknown flag/)
    // @ts-expect-error: not a variant of checkoutCopy.
    await expect(flags.set('checkoutCopy', 'z')).rejects.toThrow(/checkoutCopy/)
    // @ts-expect-error: a boolean flag takes a boolean.
    await expect(flags.set('newCheckout', 'on')).rejects.toThrow(/newCheckout/)
  })
})
