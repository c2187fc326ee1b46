/**
 * Label values of request series, from small fixed tables so that a request
 * never allocates a label string: methods outside the table count as OTHER
 * (Node's parser accepts ~35 methods, which would each be a series).
 */
export const METHODS: readonly string[] = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
  'OTHER',
]
export const STATUS_CLASSES: readonly string[] = ['1xx', '2xx', '3xx', '4xx', '5xx', 'aborted']
/** Index of 'aborted' in STATUS_CLASSES: the client went away before the response was complete. */
export const ABORTED = 5
export const SERIES_PER_ROUTE: number = METHODS.length * STATUS_CLASSES.length

/** The route of requests no route matched (404s, and requests middleware answered: redirects, rate limits). */
export const UNMATCHED_ROUTE = 'unmatched'
/** The route of every template past `maxRoutes`. */
export const OTHER_ROUTE = 'other'

export function methodIndex(method: string | undefined): number {
  switch (method) {
    case 'GET':
      return 0
    case 'HEAD':
      return 1
    case 'POST':
      return 2
    case 'PUT':
      return 3
    case 'PATCH':
      return 4
    case 'DELETE':
      return 5
    case 'OPTIONS':
      return 6
    default:
      return 7
  }
}

export function statusClassIndex(status: number): number {
  const hundreds = (status / 100) | 0
  return hundreds >= 1 && hundreds <= 5 ? hundreds - 1 : 4
}
