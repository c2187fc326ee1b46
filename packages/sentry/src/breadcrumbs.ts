import { currentRequestId } from '@kit/internal'
import type { SentryMode } from './integrations.ts'

type WithData = { data?: { [key: string]: unknown } }
type WithBreadcrumbs = { breadcrumbs?: WithData[]; tags?: { [key: string]: unknown } }

export interface RequestBreadcrumbs {
  /** For beforeBreadcrumb: notes which request (kit's request id) the breadcrumb was added in. */
  tag<T extends object>(breadcrumb: T): T
  /**
   * For beforeSend: keeps the event's own request's breadcrumbs and those from
   * outside any request; an event captured inside a request without a
   * request_id tag (the app's own Sentry.captureException) gets one.
   */
  select<T extends object>(event: T): T
}

const TAG = 'kit.request_id'

/**
 * Breadcrumbs per request, in errors-only mode. The full SDK forks an
 * isolation scope for every request, so a console line lands in its own
 * request's scope; errors-only mode has no per-request SDK work, so every
 * breadcrumb lands in one process-wide list. kit already knows the request
 * (the logger's AsyncLocalStorage, through @kit/internal), so each
 * breadcrumb is tagged with its request id when added, and an event keeps
 * only those of its own request (and those added outside any request). The
 * list is still one list of `maxBreadcrumbs` (100): under heavy concurrency
 * older lines of a request can be pushed out by others. Without kit's logger
 * there is no request id and every breadcrumb is kept (the SDK's own light
 * mode behaves so on Node 20).
 */
export function requestBreadcrumbs(mode: SentryMode): RequestBreadcrumbs {
  if (mode === 'full') return { tag: (b) => b, select: (e) => e }
  return {
    tag(breadcrumb) {
      const id = currentRequestId()
      if (id === undefined) return breadcrumb
      const b = breadcrumb as WithData
      return { ...b, data: { ...b.data, [TAG]: id } } as typeof breadcrumb
    },
    select(event) {
      const { breadcrumbs, tags } = event as WithBreadcrumbs
      // beforeSend runs in the async context of the capture, so inside the request.
      const own = tags?.request_id ?? currentRequestId()
      const tagged = own !== undefined && tags?.request_id === undefined
      if (tagged) event = { ...event, tags: { ...tags, request_id: own } }
      if (!breadcrumbs?.length) return event
      const kept = breadcrumbs
        .filter((b) => b.data?.[TAG] === undefined || b.data[TAG] === own)
        .map((b) => {
          if (b.data?.[TAG] === undefined) return b
          const { [TAG]: _id, ...data } = b.data
          const { data: _tagged, ...rest } = b
          return Object.keys(data).length > 0 ? { ...rest, data } : rest
        })
      return { ...event, breadcrumbs: kept }
    },
  }
}
