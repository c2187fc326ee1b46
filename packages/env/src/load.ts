import {
  addKnownSecret,
  createDebug,
  envSecretValues,
  isSecretEnvName,
  KitError,
  looksLikeSecret,
  redactString,
} from '@kit/internal'
import type { z } from 'zod'
import type { KitEnv, NodeEnv } from './builtin.ts'
import { VALUE_FREE, withParseContext } from './context.ts'
import {
  describeEnv,
  type EnvEntry,
  type EnvVarDescription,
  formatEnvValue,
  mergeShapes,
} from './describe.ts'
import { readDotenvFiles } from './dotenv.ts'
import { loadZod } from './lazy-zod.ts'
import { maskValue, quoteValue, scrubValue, urlCredentials } from './mask.ts'
import { PRESETS, type PresetChoice, type PresetName, resolvePreset } from './presets.ts'
import { applyRules } from './rules.ts'
import { suggestName } from './suggest.ts'

const debug = createDebug('env')

/** The default app schema: no variables of its own. */
export type NoAppShape = Record<never, never>

/** The app's variables on top of the built-in ones (an app entry replaces a built-in of the same name). */
export type AppEnv<S extends z.ZodRawShape> = keyof S extends never ? unknown : z.output<z.ZodObject<S>>
export type KitEnvWith<S extends z.ZodRawShape = NoAppShape> = Readonly<
  (string extends keyof S ? KitEnv : Omit<KitEnv, keyof S>) & AppEnv<S>
>

export interface LoadEnvOptions<S extends z.ZodRawShape = NoAppShape> {
  /** The app's own variables, as a zod shape: `{ OPENAI_API_KEY: z.string().startsWith('sk-') }`. @default {} */
  schema?: S
  /** Where variables are read from. @default process.env */
  source?: Readonly<Record<string, string | undefined>>
  /** Platform defaults; 'auto' detects Heroku, Render, Fly.io and Railway. KIT_PRESET in the environment also chooses. @default 'auto' */
  preset?: PresetChoice
  /** Folder of the .env files read in development and test. @default process.cwd() */
  cwd?: string
  /** Read .env and .env.local (the real environment wins over them). @default true unless NODE_ENV=production */
  dotenv?: boolean
}

/** One problem of the aggregated error: never contains a secret value. */
export interface EnvProblem {
  name: string
  problem: string
  fix: string
}

/**
 * set: from the environment or a .env file; preset: filled by the platform
 * preset or computed from another variable; default: the schema default;
 * unset: optional and absent; missing: required and absent; invalid: rejected.
 */
export type EnvStatus = 'set' | 'preset' | 'default' | 'unset' | 'missing' | 'invalid'

export interface EnvVarReport extends EnvVarDescription {
  status: EnvStatus
  /** Where the value came from: environment, .env, .env.local, "heroku preset", REDIS_TLS_URL, NODE_ENV... */
  origin: string | undefined
  /** The value as people may see it: secrets masked, other values redacted. */
  display: string | undefined
}

export interface EnvCheckResult<S extends z.ZodRawShape = NoAppShape> {
  ok: boolean
  /** The parsed, frozen environment; undefined when there are problems. */
  env: KitEnvWith<S> | undefined
  variables: EnvVarReport[]
  problems: EnvProblem[]
  preset: PresetName | undefined
  nodeEnv: NodeEnv
  /** .env files that were read. */
  dotenvFiles: string[]
}

interface Evaluation<S extends z.ZodRawShape> {
  result: EnvCheckResult<S>
  /** Values to scrub from logs by value. */
  secretValues: string[]
}

function cleanSource(source: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(source)) {
    // Empty (or blank) means missing: `FOO=` in a platform dashboard is "not set".
    if (typeof value === 'string' && value.trim() !== '') out[key] = value.trim()
  }
  return out
}

/**
 * Adds `display` as an enumerable property computed on first read (then a plain
 * value), so a report reads and compares like an object literal.
 */
function withLazyDisplay(
  report: Omit<EnvVarReport, 'display'>,
  make: (() => string | undefined) | undefined,
): EnvVarReport {
  if (make === undefined) return { ...report, display: undefined }
  return Object.defineProperty(report, 'display', {
    enumerable: true,
    configurable: true,
    get(this: EnvVarReport) {
      const display = make()
      Object.defineProperty(this, 'display', {
        value: display,
        enumerable: true,
        writable: true,
        configurable: true,
      })
      return display
    },
  }) as EnvVarReport
}

function freezeDeep<T extends Record<string, unknown>>(value: T): Readonly<T> {
  for (const item of Object.values(value)) if (Array.isArray(item)) Object.freeze(item)
  return Object.freeze(value)
}

function evaluate<S extends z.ZodRawShape>(options: LoadEnvOptions<S>): Evaluation<S> {
  const raw = cleanSource(options.source ?? process.env)
  const origins: Record<string, string> = {}
  for (const key of Object.keys(raw)) origins[key] = 'environment'

  const declaredNodeEnv = raw.NODE_ENV?.toLowerCase()
  const useDotenv = options.dotenv ?? declaredNodeEnv !== 'production'
  let dotenvFiles: string[] = []
  if (useDotenv) {
    const dot = readDotenvFiles(options.cwd ?? process.cwd())
    dotenvFiles = dot.files
    for (const [key, value] of Object.entries(cleanSource(dot.values))) {
      if (raw[key] !== undefined) continue
      raw[key] = value
      origins[key] = dot.origins[key]!
    }
  }

  const problems: EnvProblem[] = []
  const { preset, problem: presetProblem } = resolvePreset(options.preset, raw)
  if (presetProblem) {
    problems.push({
      name: 'KIT_PRESET',
      problem: `${presetProblem}, got ${quoteValue(raw.KIT_PRESET ?? '')}`,
      fix: 'Set KIT_PRESET to your platform, or unset it to detect the platform.',
    })
  }
  if (preset) {
    for (const [key, value] of Object.entries(PRESETS[preset].defaults(raw))) {
      if (raw[key] !== undefined || !value) continue
      raw[key] = value
      origins[key] = `${preset} preset`
    }
  }
  // Heroku Redis sets both; the TLS endpoint is the one to use.
  if (raw.REDIS_TLS_URL !== undefined) {
    raw.REDIS_URL = raw.REDIS_TLS_URL
    origins.REDIS_URL = 'REDIS_TLS_URL'
  }

  const entries = mergeShapes(options.schema)
  const descriptions = new Map(describeEnv(options.schema).map((d) => [d.name, d]))
  const nodeEnvResult = parseEntry(entries.find((entry) => entry.name === 'NODE_ENV')!, raw.NODE_ENV)
  // A NODE_ENV we cannot read gets the strict rules; it is reported below anyway.
  const nodeEnv: NodeEnv = nodeEnvResult.success ? (nodeEnvResult.data as NodeEnv) : 'production'

  const parsed: Record<string, unknown> = {}
  const statuses = new Map<string, EnvStatus>()
  // How each value is shown (`kit env check`), made only when read: masking runs the shared
  // redaction patterns over every value, which loadEnv() at start-up never shows.
  const displays = new Map<string, () => string | undefined>()
  const problemNames = new Set<string>()
  const knownNames = new Set(entries.map((entry) => entry.name))

  const addProblem = (name: string, problem: string, fix: string, status: EnvStatus): void => {
    problems.push({ name, problem, fix })
    problemNames.add(name)
    statuses.set(name, status)
  }

  withParseContext({ nodeEnv }, () => {
    for (const entry of entries) {
      const { name } = entry
      const description = descriptions.get(name)!
      const value = raw[name]
      const result = parseEntry(entry, value)
      if (result.success) {
        parsed[name] = result.data
        if (value === undefined) {
          statuses.set(name, result.data === undefined ? 'unset' : 'default')
          displays.set(name, () => (result.data === undefined ? undefined : formatEnvValue(result.data)))
        } else {
          statuses.set(name, origins[name]?.endsWith(' preset') ? 'preset' : 'set')
          displays.set(name, () => maskValue(value, description.secret))
        }
        continue
      }
      if (value === undefined) {
        const similar = suggestName(name, Object.keys(raw), knownNames)
        const hint = similar ? ` (${similar} is set: a typo?)` : ''
        addProblem(name, `is required but not set${hint}`, missingFix(description, nodeEnv), 'missing')
        continue
      }
      const messages = [
        ...new Set(result.error.issues.map((issue) => issueMessage(issue, value, description))),
      ]
      const problem = description.secret
        ? messages.join('; ')
        : `${messages.join('; ')}, got ${quoteValue(value)}`
      addProblem(name, problem, invalidFix(description), 'invalid')
      displays.set(name, () => maskValue(value, description.secret))
    }

    applyRules({
      nodeEnv,
      raw,
      parsed,
      hasProblem: (name) => problemNames.has(name),
      problem: addProblem,
      fill(name, value, origin) {
        parsed[name] = value
        statuses.set(name, origin === 'NODE_ENV' ? 'default' : 'preset')
        origins[name] = origin
        displays.set(name, () => formatEnvValue(value))
      },
    })
  })

  const variables: EnvVarReport[] = [...descriptions.values()].map((description) =>
    withLazyDisplay(
      {
        ...description,
        status: statuses.get(description.name) ?? 'unset',
        origin:
          raw[description.name] !== undefined || statuses.get(description.name) === 'preset'
            ? origins[description.name]
            : undefined,
      },
      displays.get(description.name),
    ),
  )

  // Values that look like secrets under secret names (the rules are shared with @kit/sentry).
  const secretValues = envSecretValues(raw, (name) => descriptions.get(name)?.secret ?? isSecretEnvName(name))
  for (const value of Object.values(raw)) {
    // A URL's password is a secret whatever the variable is called.
    if (/^[a-z][a-z0-9+.-]*:\/\/[^/\s]*@/i.test(value)) {
      secretValues.push(...urlCredentials(value).filter(looksLikeSecret))
    }
  }

  const ok = problems.length === 0
  debug('preset=%s nodeEnv=%s dotenv=%j problems=%d', preset, nodeEnv, dotenvFiles, problems.length)
  const env = ok ? (freezeDeep(parsed) as unknown as KitEnvWith<S>) : undefined
  return { result: { ok, env, variables, problems, preset, nodeEnv, dotenvFiles }, secretValues }
}

type EntryIssue = Pick<z.core.$ZodIssue, 'code' | 'message'> & { params?: unknown }
type EntryResult = { success: true; data: unknown } | { success: false; error: { issues: EntryIssue[] } }

/**
 * Parses one variable: a built-in one with its zod-free check, an app's with
 * zod. Both answer in zod's shape, so the rest of the loader treats them alike.
 */
function parseEntry(entry: EnvEntry, value: string | undefined): EntryResult {
  if (!('spec' in entry)) return loadZod().z.safeParse(entry.schema, value)
  const { spec } = entry
  if (value === undefined) {
    // As zod's .default(): a fresh (shallow) copy each time, since the result is frozen.
    const data = Array.isArray(spec.default) ? [...spec.default] : spec.default
    return { success: true, data: spec.hasDefault ? data : undefined }
  }
  const result = spec.check(value)
  if (result.ok) return { success: true, data: result.value }
  const issues = result.issues.map((issue) =>
    issue.valueFree
      ? { code: 'custom' as const, message: issue.message, params: VALUE_FREE }
      : { code: 'custom' as const, message: issue.message },
  )
  return { success: false, error: { issues } }
}

/** An issue's message, with every part of a secret value scrubbed unless kit's own helper wrote it. */
function issueMessage(issue: EntryIssue, value: string, description: EnvVarDescription): string {
  const valueFree =
    issue.code === 'custom' && (issue.params as { valueFree?: boolean } | undefined)?.valueFree
  return description.secret && !valueFree ? scrubValue(issue.message, value) : redactString(issue.message)
}

function missingFix(description: EnvVarDescription, nodeEnv: NodeEnv): string {
  if (description.fix && description.secret) return description.fix
  const where = nodeEnv === 'production' ? 'in the environment' : 'in the environment or in .env'
  const example = description.example && !description.secret ? ` (for example ${description.example})` : ''
  return `Set ${description.name} ${where}${example}.`
}

function invalidFix(description: EnvVarDescription): string {
  if (description.fix) return description.fix
  if (description.default !== undefined) {
    return `Correct ${description.name}, or unset it to use the default (${description.default}).`
  }
  return `Correct the value of ${description.name}.`
}

/**
 * Validates the environment without throwing: every variable with its
 * status and a masked value, and the list of problems. `kit env check` is
 * built on it.
 */
export function checkEnv<S extends z.ZodRawShape = NoAppShape>(
  options: LoadEnvOptions<S> = {},
): EnvCheckResult<S> {
  return evaluate(options).result
}

/** The one error for every problem: a line per variable with what was expected and the fix. */
export function envError(problems: readonly EnvProblem[]): KitError {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`
  const lines = problems.map((p) => `  - ${p.name}: ${p.problem}.\n    Fix: ${p.fix}`)
  return new KitError('KIT_ENV_INVALID', `Invalid environment (${count}):\n${lines.join('\n')}`, {
    details: problems.map((p) => ({ ...p })),
  })
}

/**
 * Reads, validates and types the environment: the built-in variables plus
 * the app's `schema`. Throws one KitError('KIT_ENV_INVALID') listing every
 * problem; returns a frozen object. Secret values are registered with the
 * shared redaction, so logs and Sentry scrub them by value.
 */
export function loadEnv<S extends z.ZodRawShape = NoAppShape>(
  options: LoadEnvOptions<S> = {},
): KitEnvWith<S> {
  const { result, secretValues } = evaluate(options)
  for (const value of secretValues) addKnownSecret(value)
  if (!result.ok || !result.env) throw envError(result.problems)
  return result.env
}

/** Identity helper that keeps the literal type of an app's env schema. */
export function defineEnv<const S extends z.ZodRawShape>(schema: S): S {
  return schema
}
