import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { parseEnv } from 'node:util'
import { checkEnv, type EnvCheckResult, type KitEnv, type PresetChoice } from '@kit/env'
import { createDebug, isKitError, type KitLogger } from '@kit/internal'
import { createSecurity, type SecurityConfig } from '@kit/security'
import type { Knex } from 'knex'
import { type DoctorConfig, securityOptions } from './config.ts'
import { instanceSignals, type Procfile, readProcfile, readScripts, trackedEnvFiles } from './project.ts'
import { readSources, type SourceFile } from './source-scan.ts'

/** The app's database connection, as @kit/core's createDatabase() returns it. */
export interface DoctorDatabase {
  knex: Knex
  kind: 'postgres' | 'mysql' | 'pglite'
}

export interface DoctorInput {
  /** kit.config as loaded. @default {} */
  config?: DoctorConfig
  /** Where kit.config was found; its folder is the app root. */
  configPath?: string
  /** The folder the command runs in. @default process.cwd() */
  cwd?: string
  /** The environment to check. @default process.env */
  env?: Readonly<Record<string, string | undefined>>
  /** Opens the app's database for the --online checks (core passes createDatabase); closed afterwards. */
  database?: (env: KitEnv) => DoctorDatabase | Promise<DoctorDatabase>
}

/** What every static check reads, resolved once. */
export interface DoctorContext {
  config: DoctorConfig
  appRoot: string
  /** The variables as given, plus .env files outside production (as productionize() reads them). */
  raw: Readonly<Record<string, string | undefined>>
  check: EnvCheckResult<Record<string, never>>
  /** The parsed built-in env; invalid variables fall back to their defaults so other checks still run. */
  env: KitEnv
  production: boolean
  /** heroku, render, fly, railway, digitalocean, or undefined. */
  platform: string | undefined
  /** undefined when `security: false` or when createSecurity() refused the configuration. */
  security: SecurityConfig | undefined
  /** Why createSecurity() refused the configuration (a KitError message). */
  securityError: { code: string; message: string } | undefined
  /** Start-up warnings @kit/security logged (ids such as 'cors-insecure-origin'). */
  securityWarnings: readonly string[]
  procfile: Procfile | undefined
  scripts: Record<string, string>
  sources: SourceFile[]
  trackedEnvFiles: string[]
  instances: string[]
  openDatabase(): Promise<DoctorDatabase | undefined>
}

const debug = createDebug('doctor')

const silent: KitLogger = {
  fatal: () => {},
  error: () => {},
  warn: () => {},
  info: () => {},
  debug: () => {},
  trace: () => {},
  child: () => silent,
}

function dotenv(appRoot: string): Record<string, string> {
  const values: Record<string, string> = {}
  for (const name of ['.env', '.env.local']) {
    try {
      for (const [key, value] of Object.entries(parseEnv(readFileSync(join(appRoot, name), 'utf8'))))
        if (value !== undefined) values[key] = value
    } catch {}
  }
  return values
}

/**
 * The built-in variables parsed on their own: a variable with a problem is
 * dropped (its default applies) and the parse retried, so one bad value does
 * not hide every other check. The problems themselves are KIT-ENV-002's.
 */
function lenientEnv(
  raw: Record<string, string | undefined>,
  appRoot: string,
  preset: PresetChoice | undefined,
): KitEnv {
  const source = { ...raw }
  for (let attempt = 0; attempt < 4; attempt++) {
    const result = checkEnv({
      source,
      cwd: appRoot,
      dotenv: false,
      ...(preset !== undefined ? { preset } : {}),
    })
    if (result.ok && result.env) return result.env as unknown as KitEnv
    for (const problem of result.problems) delete source[problem.name]
  }
  return checkEnv({
    source: { NODE_ENV: raw.NODE_ENV === 'production' ? 'production' : 'development' },
    dotenv: false,
  }).env as unknown as KitEnv
}

export function createDoctorContext(input: DoctorInput): DoctorContext {
  const config = input.config ?? {}
  const cwd = resolve(input.cwd ?? process.cwd())
  const base = input.configPath ? dirname(resolve(cwd, input.configPath)) : cwd
  const appRoot = config.cwd ? resolve(base, config.cwd) : base
  const given = input.env ?? process.env
  const production = given.NODE_ENV?.trim().toLowerCase() === 'production'
  const raw: Record<string, string | undefined> = production ? { ...given } : { ...dotenv(appRoot), ...given }
  const preset = config.preset as PresetChoice | undefined
  const check = checkEnv({
    schema: (config.env ?? {}) as Record<string, never>,
    source: given,
    cwd: appRoot,
    ...(preset !== undefined ? { preset } : {}),
  })
  const env = lenientEnv(raw, appRoot, preset)

  let security: SecurityConfig | undefined
  let securityError: DoctorContext['securityError']
  const warnings: string[] = []
  if (config.security !== false) {
    const log: KitLogger = {
      ...silent,
      warn: (fields: unknown) => {
        const id = (fields as { warning?: string } | undefined)?.warning
        if (id) warnings.push(id)
      },
    }
    try {
      security = createSecurity(securityOptions(config), { env, log }).config
    } catch (error) {
      if (!isKitError(error)) throw error
      securityError = { code: error.code, message: error.message }
    }
  }

  let database: Promise<DoctorDatabase | undefined> | undefined
  const sources = readSources(appRoot)
  const instances = instanceSignals(raw)
  debug(
    'app root %s, NODE_ENV %s, platform %s, %d source files, instances %j, security %s',
    appRoot,
    check.nodeEnv,
    check.preset ?? 'none',
    sources.length,
    instances,
    securityError?.code ?? (security ? 'resolved' : 'off'),
  )
  return {
    config,
    appRoot,
    raw,
    check,
    env,
    production: check.nodeEnv === 'production',
    platform: check.preset,
    security,
    securityError,
    securityWarnings: warnings,
    procfile: readProcfile(appRoot),
    scripts: readScripts(appRoot),
    sources,
    trackedEnvFiles: trackedEnvFiles(appRoot),
    instances,
    openDatabase() {
      database ??=
        input.database && env.DATABASE_URL ? Promise.resolve(input.database(env)) : Promise.resolve(undefined)
      return database
    },
  }
}
