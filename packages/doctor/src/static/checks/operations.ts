import { DEFAULT_SERVER_TIMEOUTS, MAX_REASONABLE_TIMEOUTS, PROXY_IDLE_TIMEOUT_MS } from '@kit/internal'
import { type CheckDefinition, fail, pass, skip } from '../../types.ts'
import type { DoctorContext } from '../context.ts'

type StaticCheck = CheckDefinition<DoctorContext>

const RELEASE = /^(?:(?:npx|pnpm(?:\s+exec)?|yarn|bunx)\s+)?kit\s+release\b/
const PRELOAD = /--(?:import|require|loader)[=\s]+@kit\/sentry\/instrument\b|-r\s+@kit\/sentry\/instrument\b/
/** Platforms' grace period between SIGTERM and SIGKILL. */
const KILL_TIMEOUT_MS: Record<string, number> = { heroku: 30_000 }

export const OPERATIONS_CHECKS: readonly StaticCheck[] = [
  {
    id: 'KIT-OBS-001',
    title: 'Error tracking is on',
    severity: 'medium',
    fix: 'Set SENTRY_DSN (heroku addons:create sentry, or a DSN from sentry.io): without it production errors reach only the logs.',
    run(ctx) {
      return ctx.env.SENTRY_DSN
        ? pass('SENTRY_DSN is set')
        : fail('SENTRY_DSN is unset: errors are not reported')
    },
  },
  {
    id: 'KIT-OBS-002',
    title: 'The web process preloads @kit/sentry/instrument',
    severity: 'medium',
    fix: 'Start the web process with `node --import @kit/sentry/instrument dist/app.js` (Procfile and start script): loaded later, Sentry misses Express errors and HTTP spans.',
    run(ctx) {
      const web = ctx.procfile?.processes.get('web')
      const start = ctx.scripts.start
      const command = web ?? start
      if (!command) return skip('no Procfile web process and no start script')
      const where = web ? 'the Procfile web process' : 'the start script'
      if (PRELOAD.test(command) || PRELOAD.test(ctx.raw.NODE_OPTIONS ?? ''))
        return pass(`${where} preloads it`)
      return fail(`${where} does not preload @kit/sentry/instrument (${command})`)
    },
  },
  {
    id: 'KIT-DEPLOY-001',
    title: 'Migrations run in the release phase',
    severity: 'medium',
    fix: 'Add `release: kit release` to the Procfile: migrations then run once per deploy, under a lock, before new dynos start.',
    run(ctx) {
      if (!ctx.procfile) return skip('no Procfile: run `kit release` in your platform’s pre-deploy step')
      const release = ctx.procfile.processes.get('release')
      if (release && RELEASE.test(release)) return pass(`release: ${release}`)
      return fail(
        release
          ? `the release phase runs "${release}", not kit release`
          : 'the Procfile has no release process',
      )
    },
  },
  {
    id: 'KIT-DEPLOY-002',
    title: 'Shutdown finishes within the platform’s grace period',
    severity: 'medium',
    fix: 'Keep SHUTDOWN_READINESS_DELAY_MS + SHUTDOWN_TIMEOUT_MS under the platform’s kill timeout (Heroku: 30 s; kit’s default drain is 25 s).',
    run(ctx) {
      const limit = ctx.platform ? KILL_TIMEOUT_MS[ctx.platform] : undefined
      if (limit === undefined) return skip('no known kill timeout for this platform')
      const total = ctx.env.SHUTDOWN_TIMEOUT_MS + ctx.env.SHUTDOWN_READINESS_DELAY_MS
      return total < limit
        ? pass(`drain ${total} ms < ${limit} ms`)
        : fail(
            `SHUTDOWN_READINESS_DELAY_MS + SHUTDOWN_TIMEOUT_MS = ${total} ms, but the platform kills after ${limit} ms: in-flight requests are cut`,
          )
    },
  },
  {
    id: 'KIT-DEPLOY-003',
    title: 'Server timeouts cut slow clients and outlast the proxy’s keep-alive',
    severity: 'low',
    fix: 'Leave kit.config `server` at its defaults or keep headersTimeoutMs ≤ 60 s, requestTimeoutMs ≤ 120 s and keepAliveTimeoutMs above the proxy idle timeout (Heroku 90 s, AWS ALB 60 s, Google Cloud 600 s); see docs/security.md.',
    run(ctx) {
      const timeouts = { ...DEFAULT_SERVER_TIMEOUTS, ...ctx.config.server }
      const problems: string[] = []
      if (timeouts.headersTimeoutMs > MAX_REASONABLE_TIMEOUTS.headersTimeoutMs)
        problems.push(
          `headersTimeoutMs ${timeouts.headersTimeoutMs} ms lets slow-header clients hold connections`,
        )
      if (timeouts.requestTimeoutMs > MAX_REASONABLE_TIMEOUTS.requestTimeoutMs)
        problems.push(`requestTimeoutMs ${timeouts.requestTimeoutMs} ms lets slow bodies hold connections`)
      const idle = ctx.platform ? PROXY_IDLE_TIMEOUT_MS[ctx.platform] : undefined
      const floor = idle ?? 60_000
      if (timeouts.keepAliveTimeoutMs <= floor)
        problems.push(
          `keepAliveTimeoutMs ${timeouts.keepAliveTimeoutMs} ms is not above the ${idle ? `${ctx.platform} router's` : 'usual load balancer'} idle timeout (${floor} ms): requests on reused connections can fail`,
        )
      return problems.length === 0
        ? pass(
            `headers ${timeouts.headersTimeoutMs} ms, request ${timeouts.requestTimeoutMs} ms, keep-alive ${timeouts.keepAliveTimeoutMs} ms`,
          )
        : fail(problems.join('; '))
    },
  },
]
