import { isKitError } from '@kit/internal'
import { describe, expect, it } from 'vitest'
import { createFlags, type FlagsOptions } from '../src/index.ts'
import { DEFINITIONS } from './helpers/definitions.ts'

function optionError(options: unknown, context = {}): string {
  try {
    createFlags(DEFINITIONS, options as FlagsOptions, { env: {}, ...context })
  } catch (error) {
    expect(isKitError(error, 'KIT_FLAGS_INVALID_OPTION')).toBe(true)
    return (error as Error).message
  }
  throw new Error('expected KIT_FLAGS_INVALID_OPTION')
}

describe('options', () => {
  it.each([
    ['a non-object', 'fast', 'options must be an object'],
    ['a misspelt option', { pollInterval: 1000 }, 'Unknown option "pollInterval"'],
    ['an empty file name', { file: ' ' }, 'file must be a path'],
    ['a numeric file', { file: 1 }, 'file must be a path'],
    ['an unknown invalidation', { invalidation: 'redus' }, 'Did you mean "redis"?'],
    [
      'a poll interval under 100 ms',
      { pollIntervalMs: 10 },
      'pollIntervalMs must be a number of milliseconds ≥ 100',
    ],
    ['a non-numeric start timeout', { startTimeoutMs: '5s' }, 'startTimeoutMs must be a number'],
    ['a negative outage log interval', { outageLogIntervalMs: -1 }, 'outageLogIntervalMs must be a number'],
    ['a channel with upper case', { channel: 'Flags' }, 'channel must be lower-case letters'],
    ['a channel with a quote', { channel: 'a"b' }, 'channel must be lower-case letters'],
  ])('rejects %s', (_label, options, message) => {
    expect(optionError(options)).toContain(message)
  })

  it('suggests the option meant', () => {
    expect(optionError({ pollIntervalMS: 1000 })).toContain('Did you mean "pollIntervalMs"?')
  })

  it('ignores options set to undefined', () => {
    expect(
      createFlags(DEFINITIONS, { file: undefined, channel: undefined }, { env: {} }).get('maxItems'),
    ).toBe(10)
  })
})

describe('option: invalidation', () => {
  it("rejects 'postgres' without a Postgres database", () => {
    expect(optionError({ invalidation: 'postgres' })).toContain(
      "invalidation: 'postgres' needs a Postgres server database",
    )
  })

  it("rejects 'redis' without a Redis client", () => {
    expect(optionError({ invalidation: 'redis' })).toContain("invalidation: 'redis' needs a Redis client")
  })
})
