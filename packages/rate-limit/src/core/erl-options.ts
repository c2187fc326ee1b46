import type { TierConfig } from './tier-options.ts'

/**
 * A tier's settings as express-rate-limit's `options` object: what a store's
 * init() reads (windowMs above all) and what a `handler` receives as its
 * fourth argument. Built once per tier.
 */
export function erlOptionsOf(
  tier: TierConfig,
  headers: { standard: unknown; legacy: boolean },
): Record<string, unknown> {
  return {
    windowMs: tier.windowMs,
    limit: tier.limit,
    max: tier.limit,
    message: tier.message,
    statusCode: tier.statusCode,
    standardHeaders: headers.standard,
    legacyHeaders: headers.legacy,
    requestPropertyName: 'rateLimit',
    skipFailedRequests: tier.skipFailedRequests,
    skipSuccessfulRequests: tier.skipSuccessfulRequests,
    keyGenerator: tier.keyGenerator,
    skip: tier.skip,
    handler: tier.handler,
    requestWasSuccessful: tier.requestWasSuccessful,
    store: tier.store,
    passOnStoreError: !tier.failClosed,
    validate: false,
    identifier: tier.name,
  }
}
