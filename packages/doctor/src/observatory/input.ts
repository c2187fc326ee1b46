/**
 * What the Observatory score is computed from: the responses one scan
 * collects. Header maps use Node's shape (IncomingMessage.headers): lower-case
 * names, a repeated field joined with ", " (so two HSTS headers read as one
 * invalid value, as the Observatory sees them), Set-Cookie as a list.
 */
export type HeaderMap = Readonly<Record<string, string | readonly string[] | undefined>>

export interface ObservatoryResponse {
  status: number
  headers: HeaderMap
  /** The body (HTML pages: for meta tags and script elements). */
  body?: string
  /** The TLS certificate chain was verified (HTTPS responses). @default true */
  verified?: boolean
}

export interface RedirectHop {
  url: string
  status: number
}

export interface ObservatoryInput {
  /** The https:// URL scanned: its host decides which scripts are foreign. */
  url: string
  /** The final response of the HTTPS URL; undefined when HTTPS is unreachable. */
  https?: ObservatoryResponse
  /** The final response of the http:// counterpart; undefined when plain HTTP is unreachable. */
  http?: ObservatoryResponse
  /** Every URL of the http:// redirect chain, the first request included. */
  httpRedirects?: readonly RedirectHop[]
  /** The CORS preflight (OPTIONS with Origin and Access-Control-Request-Method: GET). */
  cors?: { headers: HeaderMap; origin: string }
  /** Every Set-Cookie value the scan received (page, redirects, robots.txt). @default the page's */
  cookies?: readonly string[]
  /** 5 (ten tests) or 6 (adds COOP and COEP). @default 5 */
  algorithm?: 5 | 6
}

/** The values of a header as the Observatory reads them: one string per field Node kept. */
export function headerValues(headers: HeaderMap | undefined, name: string): string[] {
  if (!headers) return []
  const lower = name.toLowerCase()
  const out: string[] = []
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== lower || value === undefined) continue
    if (Array.isArray(value)) out.push(...(value as readonly string[]))
    else out.push(value as string)
  }
  return out
}

export function firstHeader(headers: HeaderMap | undefined, name: string): string | undefined {
  return headerValues(headers, name)[0]
}
