import { checkSecretStrength } from '@kit/env'
import { type CheckDefinition, fail, pass } from '../../types.ts'
import type { DoctorContext } from '../context.ts'
import { findInSources } from '../source-scan.ts'

type StaticCheck = CheckDefinition<DoctorContext>

const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i
/**
 * Names of variables the schema does not declare that hold secrets the app
 * made (SESSION_SECRET, JWT_SIGNING_KEY, COOKIE_KEYS...), compared without
 * separators. Narrower than the redaction list, which also hides PWD or SID.
 */
const SECRET_NAME = /(?:secrets?|tokens?|password|passphrase|pepper|keys?|secretkeybase)$/i
/** `secret: 'keyboard cat'`, `const JWT_SECRET = "..."`: a literal where a secret belongs. */
const HARDCODED =
  /\b(?:\w*secret\w*|\w*Secret|password|apiKey|api_key|jwtKey|signingKey)\s*[:=]\s*(['"`])([^'"`\n]{1,200})\1/g

/**
 * Secret variables with a value: those the schema marks secret, and any
 * other variable whose name says it is one (SESSION_SECRET, *_TOKEN...).
 * URLs are left out: their password is a credential the provider made.
 */
function secretValues(ctx: DoctorContext): { name: string; value: string }[] {
  const declared = new Map(ctx.check.variables.map((v) => [v.name, v.secret]))
  return Object.entries(ctx.raw).flatMap(([name, raw]) => {
    const value = raw?.trim()
    const secret = declared.get(name) ?? SECRET_NAME.test(name.replace(/[-_.]/g, ''))
    return secret && value && !URL_LIKE.test(value) ? [{ name, value }] : []
  })
}

const isList = (value: string) => /^[^\s,]+(?:\s*,\s*[^\s,]+)+$/.test(value)

export const SECRET_CHECKS: readonly StaticCheck[] = [
  {
    id: 'KIT-SEC-040',
    ref: 'CFG-SEC-01',
    title: 'Every secret is strong',
    severity: 'critical',
    fix: 'Generate each weak secret again with `npx kit secret` (32 random bytes) and set it in the platform config; rotate any that was a placeholder.',
    run(ctx) {
      const weak = secretValues(ctx)
        .filter(({ value }) => !isList(value))
        .flatMap(({ name, value }) => {
          const problem = checkSecretStrength(value)
          return problem ? [`${name} ${problem}`] : []
        })
      const count = secretValues(ctx).length
      return weak.length
        ? fail(weak.join('; '))
        : pass(count ? `${count} secret${count === 1 ? '' : 's'} strong` : 'no secret variable set')
    },
  },
  {
    id: 'KIT-SEC-041',
    ref: 'CFG-SEC-02',
    title: 'Every key of a rotation list is strong',
    severity: 'high',
    fix: 'Replace each weak key of the comma-separated list (newest first) with one from `npx kit secret`; drop old keys once sessions signed with them have expired.',
    run(ctx) {
      const lists = secretValues(ctx).filter(({ value }) => isList(value))
      const weak = lists.flatMap(({ name, value }) =>
        value.split(',').flatMap((key, i) => {
          const problem = checkSecretStrength(key.trim())
          return problem ? [`${name} key ${i + 1} ${problem}`] : []
        }),
      )
      return weak.length
        ? fail(weak.join('; '))
        : pass(
            lists.length
              ? `${lists.length} key list${lists.length === 1 ? '' : 's'} strong`
              : 'no key rotation list',
          )
    },
  },
  {
    id: 'KIT-SEC-042',
    ref: 'CFG-SEC-01',
    title: 'No secret is committed to the repository',
    severity: 'high',
    fix: 'Remove the file from git (git rm --cached .env, add it to .gitignore), move secrets into the platform config, and rotate every secret it held: the history keeps them.',
    run(ctx) {
      const hardcoded = findInSources(ctx.sources, HARDCODED, (m) => {
        const value = m[2]!
        // Reading env or config is fine; a literal that is not a placeholder-free strong value is the problem.
        return !/^(?:process\.env|\$\{)/.test(value) && value.length > 0 && !/^[A-Z_]+$/.test(value)
      })
      const problems = [
        ...(ctx.trackedEnvFiles.length ? [`git tracks ${ctx.trackedEnvFiles.join(', ')}`] : []),
        // Where, never the line: it holds the secret.
        ...(hardcoded.length
          ? [`secret literals in code at ${hardcoded.map((m) => `${m.file}:${m.line}`).join(', ')}`]
          : []),
      ]
      return problems.length
        ? fail(problems.join('; '))
        : pass('no .env file tracked, no secret literal in code')
    },
  },
]
