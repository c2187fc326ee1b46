/**
 * Which request the running code serves, for packages that must not depend
 * on the one that tracks requests: @kit/logger runs every request inside its
 * AsyncLocalStorage and provides the id here; @kit/sentry reads it to keep
 * one request's breadcrumbs out of another's events without the SDK's own
 * per-request scopes. On globalThis under a registered symbol, so two copies
 * of this package (dist and source) share it.
 */
const KEY = Symbol.for('@kit/internal.currentRequestId')
type Holder = { [KEY]?: () => string | undefined }

export function provideCurrentRequestId(source: () => string | undefined): void {
  ;(globalThis as Holder)[KEY] = source
}

/** The id of the request being handled, when a provider is installed and code runs inside a request. */
export function currentRequestId(): string | undefined {
  return (globalThis as Holder)[KEY]?.()
}
