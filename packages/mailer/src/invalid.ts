import { KitError } from '@kit/internal'

/** A send() input no provider would accept; thrown before any network call. */
export function invalidMessage(field: string, detail: string): KitError {
  return new KitError('KIT_MAILER_INVALID_MESSAGE', `Invalid \`${field}\`: ${detail}. Nothing was sent.`)
}

/** A CR, LF or other control character where it could start a new mail header. */
export function headerInjection(field: string): KitError {
  return new KitError(
    'KIT_MAILER_HEADER_INJECTION',
    `\`${field}\` contains a line break or control character, which could inject mail headers. Nothing was sent; strip CR/LF from user input first.`,
  )
}

/** True when `text` holds a C0 control character (CR, LF, NUL...) or DEL. */
export function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x20 || code === 0x7f) return true
  }
  return false
}
