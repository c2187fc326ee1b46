import { parseBytes, parseDurationMs } from '@kit/internal'
import { describe, expect, it } from 'vitest'

describe('parseBytes', () => {
  it.each([
    ['1048576', 1_048_576],
    ['10m', 10 * 1024 ** 2],
    ['10mb', 10 * 1024 ** 2],
    ['10 MiB', 10 * 1024 ** 2],
    ['512kb', 512 * 1024],
    ['512k', 512 * 1024],
    ['1.5 MB', 1.5 * 1024 ** 2],
    ['1g', 1024 ** 3],
  ])('%s is %i bytes', (text, bytes) => {
    expect(parseBytes(text)).toBe(bytes)
  })

  it.each(['', 'ten', '10 parsecs', '-1', '1e3', '0x10'])('%j is not a size', (text) => {
    expect(parseBytes(text)).toBeUndefined()
  })
})

describe('parseDurationMs', () => {
  it.each([
    ['250ms', 's', 250],
    ['30s', 'ms', 30_000],
    ['5m', 'ms', 300_000],
    ['1.5h', 'ms', 5_400_000],
    ['2y', 's', 2 * 365 * 86_400_000],
    ['25000', 'ms', 25_000],
    ['63072000', 's', 63_072_000_000],
  ] as const)('%s (bare unit %s) is %i ms', (text, bare, ms) => {
    expect(parseDurationMs(text, bare)).toBe(ms)
  })

  it.each(['', 'soon', '5 fortnights', '-5s'])('%j is not a duration', (text) => {
    expect(parseDurationMs(text)).toBeUndefined()
  })
})
