import { type CheckDefinition, fail, pass, skip } from '../../types.ts'
import type { DoctorContext } from '../context.ts'
import { describeMatches, findInSources } from '../source-scan.ts'

type StaticCheck = CheckDefinition<DoctorContext>

const LARGE_BODY = 50 * 1024 * 1024
const STACK_IN_RESPONSE =
  /\.(?:send|json|end|write)\s*\([^;\n]*?(?:\b(?:err|error|e|ex|exception)\??|\))\.stack\b|\bstack\s*:\s*(?:err|error|e|ex)\??\.stack\b/

export const REQUEST_CHECKS: readonly StaticCheck[] = [
  {
    id: 'KIT-SEC-014',
    ref: 'CFG-CSRF-01',
    title: 'CSRF protection on',
    severity: 'high',
    fix: 'Remove `security.csrf: false`; exempt only the routes that need it (webhooks) with csrf.exempt.',
    run(ctx) {
      if (!ctx.security) return skip('security is not installed (see KIT-SEC-001)')
      return ctx.security.csrf
        ? pass('cross-site state-changing requests are refused (Fetch Metadata and Origin)')
        : fail('CSRF protection is off (csrf: false)')
    },
  },
  {
    id: 'KIT-SEC-015',
    ref: 'CFG-BODY-01',
    title: 'Request bodies are limited',
    severity: 'low',
    fix: 'Keep a body limit (MAX_UPLOAD_SIZE, default 1mb); give large uploads their own route with bodyLimit.exempt and a streaming parser.',
    run(ctx) {
      if (!ctx.security) return skip('security is not installed (see KIT-SEC-001)')
      const limit = ctx.security.bodyLimit?.limit
      if (limit === undefined) return fail('bodyLimit is off: bodies of any size are read')
      if (limit > LARGE_BODY) return fail(`every route accepts ${Math.round(limit / 1048576)} MiB bodies`)
      return pass(`bodies up to ${limit} bytes`)
    },
  },
  {
    id: 'KIT-SEC-016',
    ref: 'CFG-ERR-01',
    title: 'Errors reach clients without stack traces',
    severity: 'medium',
    fix: 'Run in production (productionize() installs an error handler that answers a generic message with the request id) and never send err.stack or err.message of 5xx errors.',
    run(ctx) {
      const sent = findInSources(ctx.sources, STACK_IN_RESPONSE)
      if (sent.length) return fail(`a stack trace is sent to clients: ${describeMatches(sent)}`)
      return ctx.production
        ? pass('kit’s error handler answers without internals')
        : fail('not production: error responses include the error message')
    },
  },
]
