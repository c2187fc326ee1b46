import { runChecks } from '../runner.ts'
import { parseSilence } from '../silence.ts'
import type { CheckResult } from '../types.ts'
import { DOCTOR_CHECKS } from './checks/index.ts'
import { createDoctorContext, type DoctorInput } from './context.ts'

export interface DoctorRunOptions extends DoctorInput {
  /** Also run the checks that talk to the database and the mail provider. @default false */
  online?: boolean
}

export interface DoctorReport {
  results: CheckResult[]
  /** NODE_ENV the checks assumed. */
  nodeEnv: string
  /** The detected or chosen platform preset. */
  platform: string | undefined
  /** Where Procfile, package.json and the sources were read. */
  appRoot: string
  online: boolean
}

/**
 * `kit doctor`: every static check of configuration, environment and
 * project files (and with `online`, of the database and mail provider).
 * Throws KIT_DOCTOR_SILENCE_INVALID for a bad `doctor.silence`; a check that
 * cannot run fails with the reason instead of stopping the others.
 * `kit release --doctor` calls it and stops on `exitCodeFor(report.results, 'error')`.
 */
export async function runDoctor(options: DoctorRunOptions = {}): Promise<DoctorReport> {
  const silence = parseSilence(
    options.config?.doctor,
    DOCTOR_CHECKS.map((c) => c.id),
  )
  const ctx = createDoctorContext(options)
  const online = options.online === true
  try {
    const results = await runChecks(DOCTOR_CHECKS, ctx, { online, silence })
    return { results, nodeEnv: ctx.check.nodeEnv, platform: ctx.platform, appRoot: ctx.appRoot, online }
  } finally {
    const db = await ctx.openDatabase().catch(() => undefined)
    await db?.knex.destroy()
  }
}
