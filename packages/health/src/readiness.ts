import type { HealthStatus } from '@kit/internal'
import type { CheckRunner } from './check-runner.ts'
import type { LoadSample } from './load-monitor.ts'
import type { HealthConfig } from './options.ts'
import type { HealthEndpoint } from './paths.ts'
import { checkEntry, type HealthCheckEntry, type HealthReport, worst } from './report.ts'
import type { StartupTasks } from './startup.ts'

export interface ReportInputs {
  info: HealthConfig['info']
  runners: readonly CheckRunner[]
  startup: StartupTasks
  shuttingDown: boolean
  overloadReason: string | undefined
  load: LoadSample
}

/**
 * live: the process answers (no dependency is asked; a draining process
 * stays live so it is not restarted mid-drain).
 * ready: 503 while starting, shutting down or overloaded — without asking
 * dependencies, which would only add load — else the checks decide.
 * summary: readiness with everything a human wants to see.
 */
export async function buildReport(endpoint: HealthEndpoint, inputs: ReportInputs): Promise<HealthReport> {
  const report: HealthReport = { status: 'pass', ...definedOnly(inputs.info) }
  const time = new Date().toISOString()
  const uptime: HealthCheckEntry = {
    componentType: 'system',
    status: 'pass',
    observedValue: Math.round(process.uptime()),
    observedUnit: 's',
    time,
  }
  if (endpoint === 'live') {
    report.checks = { uptime: [uptime] }
    return report
  }

  const problems: string[] = []
  if (inputs.shuttingDown) problems.push('shutting down')
  const startup = inputs.startup.describe()
  if (startup) problems.push(startup)
  if (inputs.overloadReason) problems.push(`overloaded: ${inputs.overloadReason}`)

  const runChecks = endpoint === 'summary' ? !inputs.shuttingDown : problems.length === 0
  const outcomes = runChecks ? await Promise.all(inputs.runners.map((r) => r.run())) : []
  const checks: Record<string, HealthCheckEntry[]> = {}
  for (const outcome of outcomes) checks[outcome.name] = [checkEntry(outcome)]

  if (endpoint === 'summary') {
    checks.uptime = [uptime]
    checks.startup = [system(startup ? 'fail' : 'pass', time, startup)]
    checks['eventLoop:delay'] = [
      system(
        inputs.overloadReason ? 'fail' : 'pass',
        time,
        inputs.overloadReason,
        inputs.load.eventLoopDelayMs,
        'ms',
      ),
    ]
    checks['eventLoop:utilization'] = [system('pass', time, undefined, inputs.load.eventLoopUtilization)]
    checks['memory:rss'] = [system('pass', time, undefined, inputs.load.rssBytes, 'bytes')]
  }

  const statuses: HealthStatus[] = outcomes.map((o) => o.status)
  if (problems.length) statuses.push('fail')
  report.status = worst(statuses)
  if (problems.length) report.output = problems.join('; ')
  report.checks = checks
  return report
}

function system(
  status: HealthStatus,
  time: string,
  output?: string,
  observedValue?: number,
  observedUnit?: string,
): HealthCheckEntry {
  const entry: HealthCheckEntry = { componentType: 'system', status, time }
  if (observedValue !== undefined) entry.observedValue = observedValue
  if (observedUnit) entry.observedUnit = observedUnit
  if (output) entry.output = output
  return entry
}

function definedOnly<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as Partial<T>
}
