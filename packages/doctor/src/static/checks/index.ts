import type { CheckDefinition } from '../../types.ts'
import type { DoctorContext } from '../context.ts'
import { ALERT_CHECKS } from './alerts.ts'
import { COOKIE_CHECKS } from './cookies.ts'
import { CORS_CHECKS } from './cors.ts'
import { DATABASE_CHECKS } from './database.ts'
import { ENVIRONMENT_CHECKS } from './environment.ts'
import { HEADER_CHECKS } from './headers.ts'
import { MAIL_CHECKS } from './mail.ts'
import { OPERATIONS_CHECKS } from './operations.ts'
import { REQUEST_CHECKS } from './requests.ts'
import { SCALING_CHECKS } from './scaling.ts'
import { SECRET_CHECKS } from './secrets.ts'
import { TRANSPORT_CHECKS } from './transport.ts'

/** Every check of `kit doctor`, in report order. Ids are stable: configs silence them, docs list them. */
export const DOCTOR_CHECKS: readonly CheckDefinition<DoctorContext>[] = [
  ...ENVIRONMENT_CHECKS,
  ...HEADER_CHECKS,
  ...TRANSPORT_CHECKS,
  ...REQUEST_CHECKS,
  ...CORS_CHECKS,
  ...COOKIE_CHECKS,
  ...SECRET_CHECKS,
  ...SCALING_CHECKS,
  ...DATABASE_CHECKS,
  ...MAIL_CHECKS,
  ...OPERATIONS_CHECKS,
  ...ALERT_CHECKS,
]
