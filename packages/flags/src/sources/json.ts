import { KitError } from '@kit/internal'
import { findJsonFault } from '../json-position.ts'

/**
 * JSON.parse with an error an operator can act on: which file or variable,
 * what is wrong, and where (line, column and offset).
 */
export function parseJsonObject(text: string, where: string): Record<string, unknown> {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    const fault = findJsonFault(text)
    const at = fault
      ? `${fault.problem} at line ${fault.line}, column ${fault.column} (position ${fault.offset})`
      : (error as Error).message
    throw new KitError('KIT_FLAGS_INVALID_JSON', `${where} is not valid JSON: ${at}.`, { cause: error })
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new KitError(
      'KIT_FLAGS_INVALID_JSON',
      `${where} must hold a JSON object of flags, e.g. {"newCheckout": true}, got ${Array.isArray(parsed) ? 'an array' : JSON.stringify(parsed)}.`,
    )
  }
  return parsed as Record<string, unknown>
}
