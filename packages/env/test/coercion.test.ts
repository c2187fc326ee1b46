import { bool, bytes, duration, int, list, number, oneOf, url, type z } from '@kit/env'
import { describe, expect, it } from 'vitest'

const ok = (schema: z.ZodType, raw: string): unknown => {
  const result = schema.safeParse(raw)
  if (!result.success) throw new Error(`expected ${JSON.stringify(raw)} to parse: ${result.error.message}`)
  return result.data
}
const fails = (schema: z.ZodType, raw: string): string => {
  const result = schema.safeParse(raw)
  expect(result.success, `expected ${JSON.stringify(raw)} to be rejected`).toBe(false)
  return result.error!.issues.map((i) => i.message).join('; ')
}

describe('bool()', () => {
  it.each(['true', '1', 'yes', 'on', 'TRUE', 'Yes', ' on '])('reads %j as true', (raw) => {
    expect(ok(bool(), raw)).toBe(true)
  })
  it.each(['false', '0', 'no', 'off', 'FALSE', 'No', ' off '])(
    'reads %j as false (z.coerce.boolean says true)',
    (raw) => {
      expect(ok(bool(), raw)).toBe(false)
    },
  )
  it.each(['maybe', 'enabled', '2', 'truee', 'y', 'n', '-1'])(
    'rejects %j with the accepted spellings',
    (raw) => {
      expect(fails(bool(), raw)).toBe('expected true or false (also 1/0, yes/no, on/off)')
    },
  )
  it('keeps a default for an unset value', () => {
    expect(bool().default(true).parse(undefined)).toBe(true)
  })
})

describe('int()', () => {
  it.each([
    ['42', 42],
    ['-3', -3],
    ['+7', 7],
    [' 8 ', 8],
    ['0', 0],
  ])('reads %j as %d', (raw, value) => {
    expect(ok(int(), raw)).toBe(value)
  })
  it.each(['4.5', '1e3', '0x10', '12abc', 'abc', '9007199254740993', 'Infinity', 'NaN'])(
    'rejects %j',
    (raw) => {
      expect(fails(int(), raw)).toBe('expected a whole number')
    },
  )
  it('enforces min and max and says so', () => {
    const port = int({ min: 1, max: 65535 })
    expect(ok(port, '65535')).toBe(65535)
    expect(fails(port, '0')).toBe('expected a whole number between 1 and 65535')
    expect(fails(port, '70000')).toBe('expected a whole number between 1 and 65535')
    expect(fails(int({ min: 1 }), '0')).toBe('expected a whole number of at least 1')
    expect(fails(int({ max: 9 }), '10')).toBe('expected a whole number of at most 9')
  })
})

describe('number()', () => {
  it.each([
    ['0.25', 0.25],
    ['.5', 0.5],
    ['1', 1],
    ['-2.5', -2.5],
  ])('reads %j as %d', (raw, value) => {
    expect(ok(number(), raw)).toBe(value)
  })
  it.each(['1e-3', '0x1', 'NaN', 'Infinity', '1.2.3', '', 'half'])('rejects %j', (raw) => {
    expect(fails(number(), raw)).toBe('expected a number')
  })
  it('enforces a range', () => {
    expect(fails(number({ min: 0, max: 1 }), '1.5')).toBe('expected a number between 0 and 1')
  })
})

describe('duration()', () => {
  it.each([
    ['30s', 30_000],
    ['25000', 25_000],
    ['5m', 300_000],
    ['1.5h', 5_400_000],
    ['2d', 172_800_000],
    ['1w', 604_800_000],
    ['250ms', 250],
    ['10 seconds', 10_000],
    ['2 MIN', 120_000],
  ])('reads %j as %d ms', (raw, value) => {
    expect(ok(duration(), raw)).toBe(value)
  })
  it('reads a bare number in seconds when unit is s, and years as 365 days', () => {
    const seconds = duration({ unit: 's' })
    expect(ok(seconds, '63072000')).toBe(63_072_000)
    expect(ok(seconds, '2y')).toBe(63_072_000)
    expect(ok(seconds, '180d')).toBe(15_552_000)
  })
  it('rejects a value that is not a whole number of the unit', () => {
    expect(fails(duration({ unit: 's' }), '500ms')).toMatch(/^expected a duration/)
    expect(fails(duration(), '0.5ms')).toMatch(/^expected a duration/)
  })
  it.each(['30 parsecs', 's', '-5s', '1h30m', 'soon', '5 m s'])('rejects %j', (raw) => {
    expect(fails(duration(), raw)).toBe(
      'expected a duration such as 30s, 5m, 2h, 180d or a number of milliseconds',
    )
  })
  it('enforces a range in the unit', () => {
    expect(fails(duration({ max: 1000 }), '2s')).toMatch(/of at most 1000$/)
  })
})

describe('bytes()', () => {
  it.each([
    ['10mb', 10 * 1024 * 1024],
    ['512kb', 512 * 1024],
    ['1.5 MB', 1.5 * 1024 * 1024],
    ['1gb', 1024 ** 3],
    ['2MiB', 2 * 1024 * 1024],
    ['1048576', 1_048_576],
    ['100b', 100],
  ])('reads %j as %d bytes', (raw, value) => {
    expect(ok(bytes(), raw)).toBe(value)
  })
  it.each(['10 potatoes', 'mb', '-1kb', 'ten mb', '1e6'])('rejects %j', (raw) => {
    expect(fails(bytes(), raw)).toBe('expected a size such as 512kb, 10mb or a number of bytes')
  })
  it('enforces a minimum', () => {
    expect(fails(bytes({ min: 1 }), '0')).toMatch(/of at least 1$/)
  })
})

describe('list()', () => {
  it('splits on commas, trims and drops empty items', () => {
    expect(ok(list(), ' a, b,,c ,')).toEqual(['a', 'b', 'c'])
    expect(ok(list(), ',')).toEqual([])
  })
  it('checks each item with the item schema and names the bad ones', () => {
    const ports = list(int({ min: 1 }))
    expect(ok(ports, '80, 443')).toEqual([80, 443])
    expect(fails(ports, '80,http,0')).toBe(
      'item "http": expected a whole number of at least 1; item "0": expected a whole number of at least 1',
    )
  })
})

describe('url()', () => {
  const postgres = url({ protocols: ['postgres', 'postgresql:'] })
  it('accepts the listed protocols and returns the string unchanged', () => {
    expect(ok(postgres, 'postgres://u:p%40ss@db.example.com:5432/app?sslmode=require')).toBe(
      'postgres://u:p%40ss@db.example.com:5432/app?sslmode=require',
    )
    expect(ok(postgres, 'POSTGRESQL://db/app')).toBe('POSTGRESQL://db/app')
  })
  it('rejects other protocols, relative URLs and URLs without a host', () => {
    const message = 'expected a URL starting with postgres:// or postgresql://'
    expect(fails(postgres, 'mysql://db/app')).toBe(message)
    expect(fails(postgres, '/var/run/db')).toBe(message)
    expect(fails(postgres, 'postgres:app')).toBe(message)
    expect(fails(postgres, 'not a url')).toBe(message)
  })
  it('accepts any absolute URL when no protocol is listed', () => {
    expect(ok(url(), 'ftp://files.example.com')).toBe('ftp://files.example.com')
    expect(fails(url(), 'example.com')).toBe('expected an absolute URL')
  })
  it('can allow URLs without a host', () => {
    expect(ok(url({ protocols: ['file'], requireHost: false }), 'file:///tmp/x')).toBe('file:///tmp/x')
  })
})

describe('oneOf()', () => {
  const level = oneOf(['info', 'debug'], { aliases: { verbose: 'debug' } })
  it('matches case-insensitively and returns the canonical spelling', () => {
    expect(ok(level, 'INFO')).toBe('info')
    expect(ok(level, ' Debug ')).toBe('debug')
  })
  it('maps aliases', () => {
    expect(ok(level, 'verbose')).toBe('debug')
  })
  it('lists the accepted values', () => {
    expect(fails(level, 'loud')).toBe('expected one of info, debug')
  })
})
