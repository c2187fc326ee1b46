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
]
