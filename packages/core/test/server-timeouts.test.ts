import { describe, expect, it } from 'vitest'
import { resolveServerTimeouts } from '../src/server/timeouts.ts'

describe('kit.config server (timeouts)', () => {
  it('defaults: 15 s headers, 30 s request, keep-alive above the 90 s Heroku router idle timeout', () => {
    expect(resolveServerTimeouts(undefined)).toEqual({
      headersTimeoutMs: 15_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 100_000,
    })
    expect(resolveServerTimeouts({ keepAliveTimeoutMs: 620_000 }).keepAliveTimeoutMs).toBe(620_000)
  })

  it.each([
    [{ keepAliveTimeout: 5000 }, /server\.keepAliveTimeout` is not a server setting/],
    [{ requestTimeoutMs: -1 }, /requestTimeoutMs` must be a whole number of milliseconds/],
    [{ headersTimeoutMs: '15s' }, /headersTimeoutMs` must be a whole number/],
    [{ headersTimeoutMs: 60_000, requestTimeoutMs: 30_000 }, /longer than `server.requestTimeoutMs`/],
  ])('refuses %o with KIT_CORE_SERVER_TIMEOUT_INVALID', (options, message) => {
    expect(() => resolveServerTimeouts(options as never)).toThrow(
      expect.objectContaining({
        code: 'KIT_CORE_SERVER_TIMEOUT_INVALID',
        message: expect.stringMatching(message),
      }),
    )
  })
})
