import { createDebug, KitError, type KitLogger } from '@kit/internal'
import { type MailProviderError, toProviderError } from './provider-error.ts'
import type { MailTransport, OutgoingMessage, SendResult } from './types.ts'

const debug = createDebug('mailer')

export interface DeliveryPolicy {
  retries: number
  retryDelayMs: number
  maxRetryDelayMs: number
  allowDuplicates: boolean
}

export interface AttemptRecord {
  provider: string
  code: string
  status?: number
  message: string
}

/**
 * Sends through the chain with retries and failover, never risking a second
 * delivery unless `allowDuplicates` is on:
 *
 * - permanent failure (bad key, invalid message): stop, no failover;
 * - transient failure the provider proves it did not accept (429, 503,
 *   connection refused): wait for Retry-After and retry the same provider when
 *   it asked us to wait, else fail over at once (backoff-retry on the last one);
 * - transient failure that may have delivered (timeout after sending, 500):
 *   retry only a provider that de-duplicates (Resend's idempotency key); never
 *   fail over, because the next provider cannot know the first one sent it.
 */
export async function deliver(
  message: OutgoingMessage,
  chain: readonly MailTransport[],
  policy: DeliveryPolicy,
  log: KitLogger,
  signal?: AbortSignal,
): Promise<SendResult> {
  const attempts: AttemptRecord[] = []
  let uncertain: MailProviderError | undefined
  let last: MailProviderError | undefined
  for (let index = 0; index < chain.length; index++) {
    const transport = chain[index] as MailTransport
    const next = chain[index + 1]
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await transport.send(message, signal ? { signal } : {})
        if (result.rejected.length > 0) {
          log.warn(
            { provider: transport.name, rejected: result.rejected.length, accepted: result.accepted.length },
            `mailer: ${transport.name} refused ${result.rejected.length} of the recipients; the others were sent`,
          )
        }
        debug('sent via %s after %d attempt(s), id %s', transport.name, attempts.length + 1, result.messageId)
        return { provider: transport.name, ...result, attempts: attempts.length + 1 }
      } catch (thrown) {
        if (signal?.aborted) throw signal.reason ?? thrown
        const error = toProviderError(thrown, transport.name)
        last = error
        attempts.push({
          provider: transport.name,
          code: error.code,
          ...(error.status === undefined ? {} : { status: error.status }),
          message: error.message,
        })
        if (error.kind === 'permanent') throw error
        if (error.maybeDelivered) uncertain = error
        const duplicateFree = !uncertain || policy.allowDuplicates
        const canFailOver = next !== undefined && duplicateFree
        const canRetry =
          error.retrySameProvider &&
          attempt < policy.retries &&
          (duplicateFree || transport.idempotent === true)
        const wait = error.retryAfterMs ?? backoff(policy.retryDelayMs, attempt)
        // The provider asked us to wait (rate limit): a short wait beats moving on. Otherwise prefer the next provider.
        const preferRetry = error.retryAfterMs !== undefined || !canFailOver
        if (canRetry && preferRetry && wait <= policy.maxRetryDelayMs) {
          log.warn(
            {
              provider: transport.name,
              code: error.code,
              status: error.status,
              attempt: attempt + 1,
              waitMs: wait,
            },
            `mailer: ${error.message}; retrying ${transport.name} in ${wait} ms`,
          )
          await sleep(wait, signal)
          continue
        }
        if (canFailOver) {
          log.warn(
            { provider: transport.name, next: next.name, code: error.code, status: error.status },
            `mailer: ${error.message}; failing over to ${next.name}`,
          )
          break
        }
        if (uncertain) {
          throw new KitError(
            'KIT_MAILER_DELIVERY_UNCERTAIN',
            `${uncertain.message}. The message may already have been accepted, so kit did not send it through another provider (that could deliver it twice). Check the ${uncertain.provider} activity log before resending; set \`allowDuplicates: true\` to prefer a duplicate over a lost mail.`,
            { cause: uncertain, details: { attempts } },
          )
        }
        break
      }
    }
  }
  throw new KitError(
    'KIT_MAILER_SEND_FAILED',
    `No provider accepted the message, nothing was delivered: ${attempts.map((a) => a.message).join('; ')}.`,
    { cause: last, details: { attempts } },
  )
}

/** Exponential backoff with jitter (50-100% of base * 2^attempt), so clients do not retry in step. */
function backoff(baseMs: number, attempt: number): number {
  return Math.round(baseMs * 2 ** attempt * (0.5 + Math.random() / 2))
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
