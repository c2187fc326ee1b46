import { type CheckDefinition, fail, pass } from '../../types.ts'
import type { DoctorContext } from '../context.ts'

type StaticCheck = CheckDefinition<DoctorContext>

const INSPECT = /--inspect(?:-brk|-wait)?(?:=\S*)?(?=\s|$|["'])/

export const ENVIRONMENT_CHECKS: readonly StaticCheck[] = [
  {
    id: 'KIT-ENV-001',
    ref: 'CFG-ENV-01',
    title: 'NODE_ENV is production',
    severity: 'critical',
    fix: 'Set NODE_ENV=production in the deploy environment (heroku config:set NODE_ENV=production): without it Express shows stack traces and kit relaxes its production rules.',
    run(ctx) {
      const value = ctx.raw.NODE_ENV
      return ctx.production
        ? pass('NODE_ENV=production')
        : fail(`NODE_ENV is ${value === undefined ? 'unset' : `"${value}"`}`)
    },
  },
  {
    id: 'KIT-ENV-002',
    title: 'The environment passes kit.config’s schema',
    severity: 'critical',
    fix: 'Fix each variable the finding names (`kit env check` lists them with the expected format); productionize() refuses to start until then.',
    run(ctx) {
      const { problems } = ctx.check
      if (problems.length === 0) return pass(`${ctx.check.variables.length} variables valid`)
      const listed = problems
        .slice(0, 4)
        .map((p) => `${p.name} ${p.problem}`)
        .join('; ')
      return fail(
        `${problems.length} problem${problems.length === 1 ? '' : 's'}: ${listed}${problems.length > 4 ? '; ...' : ''}`,
      )
    },
  },
  {
    id: 'KIT-ENV-003',
    ref: 'CFG-ENV-02',
    title: 'No debugger or wildcard debug logging',
    severity: 'high',
    fix: 'Remove --inspect from NODE_OPTIONS, the Procfile and the start script (an open inspector lets anyone who reaches the port run code), and DEBUG=* (it logs request data).',
    run(ctx) {
      const places: string[] = []
      if (INSPECT.test(ctx.raw.NODE_OPTIONS ?? '')) places.push('NODE_OPTIONS')
      const web = ctx.procfile?.processes.get('web')
      if (web && INSPECT.test(web)) places.push('the Procfile web process')
      if (ctx.scripts.start && INSPECT.test(ctx.scripts.start)) places.push('the start script')
      const found = places.length ? [`--inspect in ${places.join(', ')}`] : []
      if (ctx.raw.DEBUG?.trim() === '*') found.push('DEBUG=*')
      return found.length ? fail(found.join('; ')) : pass('no --inspect, DEBUG is not *')
    },
  },
]
