import { isSensitiveKey, MIN_KNOWN_SECRET_LENGTH } from './redact.ts'

/**
 * Which env values become known secrets (scrubbed by value wherever they
 * appear, see addKnownSecret). @kit/env and @kit/sentry's preload both ask
 * here, so a value is a secret in logs exactly when it is one in Sentry.
 *
 * A secret is a value that looks like one, under a name that says so: a
 * match by value on an ordinary value redacts ordinary text (the app's
 * directory out of every stack trace, a word out of every message). So:
 * never the shell's working directories (PWD is also a short spelling of
 * "password"), never a value shorter than MIN_KNOWN_SECRET_LENGTH, never a
 * flag, a number or a plain word (a local DATABASE_URL's password "postgres"
 * would redact every postgres:// URL), never a file path
 * (GOOGLE_APPLICATION_CREDENTIALS names a file; the file holds the secret).
 * Such values are still redacted under their keys, just not by value.
 */

/** Names that look sensitive but are set by the shell, never by a person with a secret. */
const NOT_SECRET_NAMES = new Set(['PWD', 'OLDPWD'])

export function isSecretEnvName(name: string): boolean {
  return !NOT_SECRET_NAMES.has(name.toUpperCase()) && isSensitiveKey(name)
}

const FLAG_OR_NUMBER =
  /^(?:true|false|yes|no|on|off|none|null|undefined|enabled|disabled|[-+]?\d+(?:\.\d+)?)$/i
// One word: all lower case, all upper case or capitalised, of at most 10 letters (a longer run of
// letters may well be a generated passphrase).
const PLAIN_WORD = /^(?:[a-z]{1,10}|[A-Z]{1,10}|[A-Z][a-z]{1,9})$/
// Absolute, home-relative or dot-relative paths of plain path characters (base64 keys carry + or =).
const FILE_PATH = /^(?:(?:~|\.{1,2})?\/|[A-Za-z]:[\\/])[\w.\\/-]*$/

export function looksLikeSecret(value: string): boolean {
  const text = value.trim()
  return (
    text.length >= MIN_KNOWN_SECRET_LENGTH &&
    !FLAG_OR_NUMBER.test(text) &&
    !PLAIN_WORD.test(text) &&
    !FILE_PATH.test(text)
  )
}

/**
 * The values of `env` to register as known secrets: those under a secret
 * name (`isSecretName`, by default the shared sensitive-key list minus the
 * shell's PWD/OLDPWD) that look like secrets.
 */
export function envSecretValues(
  env: { readonly [name: string]: unknown },
  isSecretName: (name: string) => boolean = isSecretEnvName,
): string[] {
  const values: string[] = []
  for (const [name, value] of Object.entries(env)) {
    if (typeof value === 'string' && isSecretName(name) && looksLikeSecret(value)) values.push(value)
  }
  return values
}
