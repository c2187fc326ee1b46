/** Retry-After (seconds) of the 503 a fail-closed limiter answers while its store is unreachable. */
export const FAIL_CLOSED_RETRY_AFTER = 5
