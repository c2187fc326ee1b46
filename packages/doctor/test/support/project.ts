import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { type CheckResult, DOCTOR_CHECKS, type DoctorConfig, type DoctorInput, runChecks } from '@kit/doctor'
import { afterAll } from 'vitest'
import { createDoctorContext } from '../../src/static/context.ts'

/** A strong secret for fixtures (random-looking, 43 characters). */
export const STRONG = 'q7Hk2pV9xLw4Rz8Tn1Bc6Ym3Fd5Gs0Ja-Ue_Wi9oPl'

/** What a well-configured production app's environment looks like. */
export const PRODUCTION_ENV: Record<string, string> = {
  NODE_ENV: 'production',
  APP_URL: 'https://app.example.com',
  TRUST_PROXY: '1',
  DATABASE_URL: 'postgres://app:pw@db.example.com:5432/app',
  REDIS_URL: 'rediss://:pw@redis.example.com:6380',
  MAIL_PROVIDER: 'sendgrid',
  MAIL_FROM: 'Example <hello@example.com>',
  SENDGRID_API_KEY: 'SG.f3Kq9ZrT1wXb2LmN7pVd.Hy4Jc8Ue0Ra6Ws5Qo2Ti9Gk1Zn3Xv7Bm4Lp',
  SENTRY_DSN: 'https://public@o1.ingest.sentry.io/1',
  SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0000/B0000/q7Hk2pV9xLw4Rz8Tn1Bc6Ym3',
}

export const GOOD_FILES: Record<string, string> = {
  Procfile: 'web: node --import @kit/sentry/instrument dist/app.js\nrelease: kit release\n',
  'package.json': JSON.stringify({
    name: 'app',
    scripts: { start: 'node --import @kit/sentry/instrument dist/app.js' },
  }),
  'src/app.ts':
    "import { productionize } from '@kit/core'\nconst kit = await productionize(app, config)\nawait kit.listen()\n",
}

const roots: string[] = []
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true })
})

/** A temporary app folder holding `files` (removed after the test file). */
export function project(files: Record<string, string> = GOOD_FILES): string {
  const root = mkdtempSync(join(tmpdir(), 'kit-doctor-app-'))
  roots.push(root)
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), text)
  }
  return root
}

export interface Fixture {
  config?: DoctorConfig
  env?: Record<string, string | undefined>
  files?: Record<string, string>
  database?: DoctorInput['database']
}

/** Runs one doctor check on a fixture app (production env and good files unless replaced). */
export async function doctorCheck(id: string, fixture: Fixture = {}, online = false): Promise<CheckResult> {
  const definition = DOCTOR_CHECKS.find((c) => c.id === id)
  if (!definition) throw new Error(`no check ${id}`)
  const input: DoctorInput = {
    cwd: project(fixture.files ?? GOOD_FILES),
    config: fixture.config ?? {},
    env: fixture.env ?? PRODUCTION_ENV,
  }
  if (fixture.database) input.database = fixture.database
  const ctx = createDoctorContext(input)
  try {
    const [result] = await runChecks([definition], ctx, { online })
    return result!
  } finally {
    const db = await ctx.openDatabase().catch(() => undefined)
    await db?.knex.destroy()
  }
}

export const env = (overrides: Record<string, string | undefined>): Record<string, string | undefined> => ({
  ...PRODUCTION_ENV,
  ...overrides,
})
