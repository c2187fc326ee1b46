import { KitError, type SkipRequest } from '@kit/internal'

export interface RequestLoggerOptions {
  /**
   * Requests it matches (health routes) are logged at `debug` instead of
   * `info`; they still get a request id.
   * @default none
   */
  skip?: SkipRequest
  /** Header the request id is read from and echoed in. @default 'x-request-id' */
  requestIdHeader?: string
  /** Accept an incoming id (short, `[A-Za-z0-9._:-]`); false always generates one. @default true */
  trustRequestId?: boolean
}

export interface RequestLoggerConfig {
  skip: SkipRequest | undefined
  /** Lower-case, as Node keys incoming headers. */
  header: string
  trust: boolean
}

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/

export function parseRequestLoggerOptions(options: RequestLoggerOptions): RequestLoggerConfig {
  if (typeof options !== 'object' || options === null) {
    throw new KitError('KIT_LOGGER_INVALID_OPTION', 'The request logger options must be an object.')
  }
  const { skip, requestIdHeader = 'x-request-id', trustRequestId = true } = options
  if (skip !== undefined && typeof skip !== 'function') {
    throw new KitError(
      'KIT_LOGGER_INVALID_OPTION',
      `The \`skip\` option must be a function (req) => boolean; got ${typeof skip}.`,
    )
  }
  if (typeof requestIdHeader !== 'string' || !HEADER_NAME.test(requestIdHeader)) {
    throw new KitError(
      'KIT_LOGGER_INVALID_OPTION',
      `The \`requestIdHeader\` option must be a header name such as x-request-id; got ${JSON.stringify(requestIdHeader)}.`,
    )
  }
  if (typeof trustRequestId !== 'boolean') {
    throw new KitError(
      'KIT_LOGGER_INVALID_OPTION',
      `The \`trustRequestId\` option must be a boolean; got ${typeof trustRequestId}.`,
    )
  }
  return { skip, header: requestIdHeader.toLowerCase(), trust: trustRequestId }
}
