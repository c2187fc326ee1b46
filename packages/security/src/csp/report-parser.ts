import { redactString } from '@kit/internal'

/** One CSP violation, from either report format, cut to a loggable size. */
export interface CspViolation {
  documentUrl: string
  blockedUrl: string
  directive: string
  disposition: string
  sourceFile?: string
  line?: number
  column?: number
  sample?: string
}

const MAX_FIELD = 300
const MAX_REPORTS_PER_BODY = 50

/**
 * Reads `application/csp-report` (`{"csp-report": {...}}`, report-uri) and
 * `application/reports+json` (an array of reports, report-to). Returns
 * undefined for anything else; never throws.
 */
export function parseViolations(body: string): CspViolation[] | undefined {
  let data: unknown
  try {
    data = JSON.parse(body)
  } catch {
    return undefined
  }
  if (Array.isArray(data)) {
    const out: CspViolation[] = []
    for (const report of data.slice(0, MAX_REPORTS_PER_BODY)) {
      if (!isObject(report) || report.type !== 'csp-violation' || !isObject(report.body)) continue
      const b = report.body
      const violation = fromFields(
        b.documentURL ?? report.url,
        b.blockedURL,
        b.effectiveDirective,
        b.disposition,
        b.sourceFile,
        b.lineNumber,
        b.columnNumber,
        b.sample,
      )
      if (violation) out.push(violation)
    }
    return out.length > 0 || data.length === 0 ? out : undefined
  }
  if (isObject(data) && isObject(data['csp-report'])) {
    const r = data['csp-report']
    const violation = fromFields(
      r['document-uri'],
      r['blocked-uri'],
      r['effective-directive'] ?? r['violated-directive'],
      r.disposition ?? 'enforce',
      r['source-file'],
      r['line-number'],
      r['column-number'],
      r['script-sample'],
    )
    return violation ? [violation] : undefined
  }
  return undefined
}

function fromFields(
  documentUrl: unknown,
  blockedUrl: unknown,
  directive: unknown,
  disposition: unknown,
  sourceFile: unknown,
  line: unknown,
  column: unknown,
  sample: unknown,
): CspViolation | undefined {
  if (typeof documentUrl !== 'string' || typeof directive !== 'string') return undefined
  const violation: CspViolation = {
    documentUrl: url(documentUrl),
    blockedUrl: typeof blockedUrl === 'string' ? url(blockedUrl) : '',
    // violated-directive may carry the sources: keep the name only.
    directive: text(directive.split(' ')[0] ?? ''),
    disposition: disposition === 'report' ? 'report' : 'enforce',
  }
  if (typeof sourceFile === 'string' && sourceFile) violation.sourceFile = url(sourceFile)
  if (Number.isInteger(line)) violation.line = line as number
  if (Number.isInteger(column)) violation.column = column as number
  if (typeof sample === 'string' && sample) violation.sample = text(sample)
  return violation
}

// Query strings and fragments can carry tokens: drop them, then scrub what is left.
function url(value: string): string {
  const cut = value.search(/[?#]/)
  return text(cut === -1 ? value : value.slice(0, cut))
}

function text(value: string): string {
  return redactString(value.length > MAX_FIELD ? `${value.slice(0, MAX_FIELD)}…` : value)
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The key under which identical violations are logged once. */
export function violationKey(v: CspViolation): string {
  return `${v.directive}|${v.blockedUrl}|${v.documentUrl}|${v.sourceFile ?? ''}|${v.line ?? ''}`
}
