import { type Check, failed, passed } from './check.ts'
import { contextNodeEnv, VALUE_FREE } from './context.ts'
import type { EnvType } from './helpers.ts'
import { loadZod } from './lazy-zod.ts'

export interface SecretOptions {
  /** Shortest accepted value, in characters. @default 32 */
  minLength?: number
  /** Least estimated entropy (Shannon, per character × length), in bits. @default 96 */
  minEntropyBits?: number
  /** When the strength rules apply; a secret is always required unless you add `.optional()`. @default 'production' */
  enforce?: 'production' | 'always' | 'never'
}

export const SECRET_FIX = 'Generate one with `npx kit secret` and set it in your platform config.'

/**
 * Values that are never real secrets, compared after lower-casing and
 * removing everything but letters and digits. Includes the examples in our
 * own docs so a copied snippet never reaches production.
 */
const PLACEHOLDER_EXACT = new Set([
  'secret',
  'secrets',
  'password',
  'passw0rd',
  'pass',
  'test',
  'testing',
  'token',
  'apikey',
  'key',
  'admin',
  'default',
  'null',
  'undefined',
  'none',
  'empty',
  'qwerty',
  'letmein',
  'mysecret',
  's3cret',
  'devsecret',
  'development',
  'localsecret',
  'abc123',
])

/** Long enough that they do not turn up by chance inside a random value. */
const PLACEHOLDER_FRAGMENTS = [
  'changeme',
  'changethis',
  'replaceme',
  'replacethis',
  'keyboardcat',
  'yoursecret',
  'yourtoken',
  'yourapikey',
  'yourkey',
  'placeholder',
  'notasecret',
  'notsecret',
  'insecure',
  'supersecret',
  'examplesecret',
  'exampletoken',
  'dummysecret',
  'donotuse',
  'generatewithkitsecret',
  'kitdocsexample',
]

function isPlaceholder(value: string): boolean {
  const trimmed = value.trim()
  // <your-token>, ${TOKEN}, {{token}}, ...
  if (/^<.*>$/.test(trimmed) || /^\$\{.*\}$/.test(trimmed) || /^\{\{.*\}\}$/.test(trimmed)) return true
  if (/^\.{3}|^…/.test(trimmed)) return true
  const norm = trimmed.toLowerCase().replace(/[^a-z0-9]/g, '')
  if (PLACEHOLDER_EXACT.has(norm)) return true
  if (/^(?:x+|0+|1234567890?|123456789?)$/.test(norm)) return true
  return PLACEHOLDER_FRAGMENTS.some((fragment) => norm.includes(fragment))
}

/** Shannon entropy of the character distribution, times the length: a cheap "how guessable" estimate. */
export function estimateEntropyBits(value: string): number {
  const counts = new Map<string, number>()
  for (const char of value) counts.set(char, (counts.get(char) ?? 0) + 1)
  const length = [...value].length
  let perChar = 0
  for (const count of counts.values()) {
    const p = count / length
    perChar -= p * Math.log2(p)
  }
  return perChar * length
}

function looksPatterned(value: string): boolean {
  // A unit repeated ("abcabcabc...", "hunter2hunter2..."), or mostly a run of neighbouring characters ("abcdef...", "123456...").
  if (/^(.+?)\1+$/s.test(value)) return true
  let steps = 0
  for (let i = 1; i < value.length; i++) {
    if (Math.abs(value.charCodeAt(i) - value.charCodeAt(i - 1)) === 1) steps++
  }
  return value.length > 1 && steps / (value.length - 1) > 0.5
}

/**
 * Why `value` is not a strong secret, or undefined when it is. The answer
 * never contains the value (only its length), so it is safe to print.
 */
export function checkSecretStrength(value: string, options: SecretOptions = {}): string | undefined {
  const minLength = options.minLength ?? 32
  const minBits = options.minEntropyBits ?? 96
  if (isPlaceholder(value)) return 'is a placeholder (like "changeme"), not a real secret'
  const length = [...value].length
  if (length < minLength) return `is too short: ${length} characters, at least ${minLength} are required`
  if (looksPatterned(value) || estimateEntropyBits(value) < minBits) {
    return 'is too easy to guess (repeated, sequential or few distinct characters)'
  }
  return undefined
}

function enforced(mode: SecretOptions['enforce']): boolean {
  if (mode === 'always') return true
  if (mode === 'never') return false
  return contextNodeEnv() === 'production'
}

/**
 * A secret string (session key, API token...). In production it must be
 * long, high-entropy and not a placeholder; its value is never printed, it
 * is masked by `kit env check` and scrubbed from logs by value.
 */
export function secret(options: SecretOptions = {}): EnvType<string> {
  return loadZod()
    .z.string()
    .superRefine((value, ctx) => {
      const problem = secretProblem(value, options)
      if (problem) ctx.addIssue({ code: 'custom', message: problem, params: VALUE_FREE })
    })
    .meta({ secret: true, fix: SECRET_FIX })
}

/** What `secret(options)` checks, without zod (the built-in variables). */
export function secretCheck(options: SecretOptions = {}): Check<string> {
  return (value) => {
    const problem = secretProblem(value, options)
    return problem ? failed(problem, true) : passed(value)
  }
}

function secretProblem(value: string, options: SecretOptions): string | undefined {
  return enforced(options.enforce) ? checkSecretStrength(value, options) : undefined
}
