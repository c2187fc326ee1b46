import type { CheckDefinition } from '../../types.ts'
import type { AuditContext } from '../context.ts'
import { COOKIE_CHECKS } from './cookies.ts'
import { CORS_CHECKS } from './cors.ts'
import { CSP_CHECKS } from './csp.ts'
import { HEADER_CHECKS } from './headers.ts'
import { LEAK_CHECKS } from './leaks.ts'
import { TRANSPORT_CHECKS } from './transport.ts'

/** Every check of `kit audit`, in report order (reference §7.1). */
export const LIVE_CHECKS: readonly CheckDefinition<AuditContext>[] = [
  ...TRANSPORT_CHECKS,
  ...CSP_CHECKS,
  ...HEADER_CHECKS,
  ...COOKIE_CHECKS,
  ...CORS_CHECKS,
  ...LEAK_CHECKS,
]
