/**
 * The one error class every kit package throws. `code` is stable across
 * versions (KIT_<PACKAGE>_<REASON>) and each code has a section in
 * docs/reference/errors.md, which `docs` points at.
 */
export const ERRORS_DOC = 'https://github.com/kit-dev/kit/blob/main/docs/reference/errors.md'

export interface KitErrorOptions {
  cause?: unknown
  /** Structured, secret-free details for programs (e.g. the list of env problems). */
  details?: unknown
}

export class KitError extends Error {
  readonly code: string
  readonly docs: string
  readonly details: unknown

  constructor(code: string, message: string, options: KitErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'KitError'
    this.code = code
    this.docs = `${ERRORS_DOC}#${code.toLowerCase()}`
    this.details = options.details
  }
}

export function isKitError(error: unknown, code?: string): error is KitError {
  return error instanceof KitError && (code === undefined || error.code === code)
}

/** One entry of a package's error table; the docs page is generated from these tables. */
export interface ErrorCodeInfo {
  /** When it is thrown, in one sentence. */
  readonly when: string
  /** What the user does about it. */
  readonly fix: string
}

export type ErrorTable = Readonly<Record<string, ErrorCodeInfo>>
