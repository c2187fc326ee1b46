import type { KitLogger } from '@kit/internal'
import type { Logger } from 'express-rate-limit'

/**
 * express-rate-limit reports misconfigurations (permissive trust proxy,
 * X-Forwarded-For with trust proxy off, a store shared by two limiters...)
 * through its logger: route them into ours, with their code, instead of the
 * console.
 */
export function erlLogger(log: KitLogger): Logger {
  const fields = (error: unknown): Record<string, unknown> => {
    const code = (error as { code?: unknown } | null)?.code
    return typeof code === 'string' ? { err: error, code } : { err: error }
  }
  const text = (error: unknown, message: string | undefined): string =>
    message ?? (error instanceof Error ? error.message : String(error))
  return {
    warn: (error, message) => log.warn(fields(error), `express-rate-limit: ${text(error, message)}`),
    error: (error, message) => log.error(fields(error), `express-rate-limit: ${text(error, message)}`),
  }
}
