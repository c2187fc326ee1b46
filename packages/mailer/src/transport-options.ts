import { KitError } from '@kit/internal'

/** Default bound for one provider request or SMTP operation: seconds, not the minutes some clients default to. */
export const DEFAULT_TIMEOUT_MS = 10_000

/** The API key, or a construction error that names the env variable to set. */
export function requireApiKey(provider: string, apiKey: unknown, envName: string): string {
  if (apiKey === undefined || apiKey === '') {
    throw new KitError(
      'KIT_MAILER_MISSING_CREDENTIALS',
      `The ${provider} transport needs an API key: set ${envName} (or pass \`apiKey\`), or remove ${provider} from MAIL_PROVIDER.`,
    )
  }
  if (typeof apiKey !== 'string' || /\s/.test(apiKey)) {
    throw new KitError(
      'KIT_MAILER_INVALID_OPTION',
      `The ${provider} API key (${envName}) must be a string without spaces or line breaks; check for a trailing newline when it was pasted.`,
    )
  }
  return apiKey
}

/** An http(s) base URL without a trailing slash. */
export function resolveBaseUrl(provider: string, baseUrl: unknown, fallback: string): string {
  if (baseUrl === undefined) return fallback
  let url: URL | undefined
  try {
    url = new URL(String(baseUrl))
  } catch {
    url = undefined
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) {
    throw new KitError(
      'KIT_MAILER_INVALID_OPTION',
      `\`${provider}.baseUrl\` must be an http(s) URL without credentials, e.g. ${fallback}; got "${String(baseUrl).slice(0, 100)}".`,
    )
  }
  return url.toString().replace(/\/+$/, '')
}

/** A positive integer of milliseconds. */
export function resolveTimeout(provider: string, value: unknown, name = 'timeoutMs'): number {
  if (value === undefined) return DEFAULT_TIMEOUT_MS
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new KitError(
      'KIT_MAILER_INVALID_OPTION',
      `\`${provider}.${name}\` must be a positive whole number of milliseconds (e.g. 10000), got ${JSON.stringify(value)}.`,
    )
  }
  return value
}
