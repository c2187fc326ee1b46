import type { HealthStatus } from '@kit/internal'
import type { CheckOutcome } from './check-runner.ts'

/** One entry of `checks` in the IETF health-check format (draft-inadarei-api-health-check). */
export interface HealthCheckEntry {
  componentType?: string
  status: HealthStatus
  observedValue?: number | string | boolean
  observedUnit?: string
  time: string
  output?: string
  /** kit's addition: a non-critical check only warns. */
  critical?: boolean
}

/** The `application/health+json` document. */
export interface HealthReport {
  status: HealthStatus
  version?: string
  releaseId?: string
  serviceId?: string
  description?: string
  output?: string
  checks?: Record<string, HealthCheckEntry[]>
}

/** A response ready to write, framework-neutral. */
export interface HealthResponse {
  statusCode: number
  headers: Record<string, string>
  body: string
}

export const HEALTH_CONTENT_TYPE = 'application/health+json; charset=utf-8'

const BARE_BODIES: Record<HealthStatus, string> = {
  pass: JSON.stringify({ status: 'pass' }),
  warn: JSON.stringify({ status: 'warn' }),
  fail: JSON.stringify({ status: 'fail' }),
}

/** pass and warn are 200 (stay in rotation); fail is 503. */
export function statusCode(status: HealthStatus): number {
  return status === 'fail' ? 503 : 200
}

/** Worst of the statuses: fail > warn > pass. */
export function worst(statuses: Iterable<HealthStatus>): HealthStatus {
  let result: HealthStatus = 'pass'
  for (const status of statuses) {
    if (status === 'fail') return 'fail'
    if (status === 'warn') result = 'warn'
  }
  return result
}

export function checkEntry(outcome: CheckOutcome): HealthCheckEntry {
  const entry: HealthCheckEntry = { componentType: 'component', status: outcome.status, time: outcome.time }
  if (outcome.observedValue !== undefined) entry.observedValue = outcome.observedValue
  if (outcome.observedUnit) entry.observedUnit = outcome.observedUnit
  if (outcome.output && outcome.status !== 'pass') entry.output = outcome.output
  if (!outcome.critical) entry.critical = false
  return entry
}

/**
 * Serialises a report: the whole document for trusted requests, only the
 * status otherwise. Every response gets a fresh headers object (terminus
 * shares and mutates module-level response objects).
 */
export function toResponse(report: HealthReport, trusted: boolean): HealthResponse {
  return {
    statusCode: statusCode(report.status),
    headers: { 'content-type': HEALTH_CONTENT_TYPE, 'cache-control': 'no-store' },
    body: trusted ? JSON.stringify(report) : BARE_BODIES[report.status],
  }
}
