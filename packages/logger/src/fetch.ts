import { requestStorage } from './context.ts'

/** The header outgoing calls carry. */
export const REQUEST_ID_HEADER = 'x-request-id'

/**
 * Headers that carry the current request id to another service, for HTTP
 * clients other than fetch (`axios.get(url, { headers: requestIdHeaders() })`).
 * Empty outside a request.
 */
export function requestIdHeaders(): Record<string, string> {
  const request = requestStorage.getStore()
  return request === undefined ? {} : { [REQUEST_ID_HEADER]: request.id }
}

/**
 * `fetch` that adds `x-request-id: <current request id>` inside a request, so
 * the next service logs the same id. A header the caller set is kept.
 */
export function fetchWithRequestId(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const request = requestStorage.getStore()
  if (request === undefined) return fetch(input, init)
  const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined))
  if (!headers.has(REQUEST_ID_HEADER)) headers.set(REQUEST_ID_HEADER, request.id)
  return fetch(input, { ...init, headers })
}
