import { KitError } from '@kit/internal'
import type { Counter } from 'prom-client'

interface SendingMailer {
  send(...args: any[]): Promise<unknown>
}

/**
 * Counts a mailer's sends by provider (the one that accepted the message, or
 * the one that failed last) and result, by wrapping its send(). The mailer
 * object stays the same, so `kit.mailer` keeps working unchanged.
 */
export function observeMailer<T extends SendingMailer>(mailer: T, sends: Counter<'provider' | 'result'>): T {
  if (!mailer || typeof mailer !== 'object' || typeof mailer.send !== 'function') {
    throw new KitError(
      'KIT_METRICS_NOT_OBSERVABLE',
      'observeMailer() needs a mailer with a send() method (createMailer() from @kit/mailer): metrics.observeMailer(kit.mailer).',
    )
  }
  const original = mailer.send
  mailer.send = async function (this: T, ...args: any[]) {
    try {
      const result = (await original.apply(this, args)) as { provider?: unknown } | undefined
      sends.inc({ provider: providerOf(result), result: 'sent' })
      return result
    } catch (error) {
      sends.inc({ provider: providerOf(error), result: 'failed' })
      throw error
    }
  }
  return mailer
}

function providerOf(value: unknown): string {
  const provider = (value as { provider?: unknown } | undefined)?.provider
  return typeof provider === 'string' && provider ? provider.slice(0, 40) : 'unknown'
}
