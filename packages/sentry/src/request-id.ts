import type { IncomingMessage, ServerResponse } from 'node:http'

/**
 * The id the logger gave this request: the response header it set (so the
 * id the client sees), else `req.id`. An id the client sent is not trusted
 * here; the logger decides whether to adopt it.
 */
export function requestIdOf(req: IncomingMessage, res: ServerResponse, header: string): string | undefined {
  const fromHeader = res.getHeader(header)
  if (typeof fromHeader === 'string' && fromHeader !== '') return fromHeader
  const id = (req as IncomingMessage & { id?: unknown }).id
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined
}
