import type { KitLogger } from '@kit/internal'
import type { LockClient } from '../options.ts'

/**
 * One key per incident across instances: every instance that sees the rule
 * fire tries `SET key owner PX ttl NX`; the one that sets it sends the
 * notice. The key expires with the cooldown, so the next incident after it
 * is announced again. When Redis is down or slow the notice is sent anyway:
 * a duplicate alert is better than a lost one.
 */
export class AlertLock {
  readonly #client: () => LockClient
  readonly #prefix: string
  readonly #timeoutMs: number
  readonly #owner: string
  readonly #log: KitLogger
  #failing = false

  constructor(client: () => LockClient, prefix: string, timeoutMs: number, owner: string, log: KitLogger) {
    this.#client = client
    this.#prefix = prefix
    this.#timeoutMs = timeoutMs
    this.#owner = owner
    this.#log = log
  }

  /** True when this instance should announce (it took the lock, or Redis could not answer). */
  async acquire(key: string, ttlMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined
    try {
      const reply = await Promise.race([
        this.#client().set(this.#prefix + key, this.#owner, 'PX', Math.max(1, Math.round(ttlMs)), 'NX'),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${this.#timeoutMs} ms`)),
            this.#timeoutMs,
          )
          timer.unref()
        }),
      ])
      if (this.#failing) {
        this.#failing = false
        this.#log.info('@kit/metrics: the alert lock reaches Redis again')
      }
      return reply === 'OK'
    } catch (error) {
      if (!this.#failing) {
        this.#failing = true
        this.#log.warn(
          { err: { message: (error as Error).message } },
          '@kit/metrics: the alert lock cannot reach Redis; alerts are sent without it (other instances may send them too)',
        )
      }
      return true
    } finally {
      clearTimeout(timer)
    }
  }
}
