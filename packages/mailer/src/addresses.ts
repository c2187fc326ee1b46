import { hasControlCharacter, headerInjection as injection, invalidMessage as invalid } from './invalid.ts'
import type { AddressLike, MailAddress, Recipients } from './types.ts'

// The WHATWG "valid e-mail address" rule, widened to Unicode letters (SMTPUTF8).
const LOCAL_PART = /^[\p{L}\p{N}.!#$%&'*+/=?^_`{|}~-]+$/u
const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u
// `Name <a@b.co>` or `"Name, Inc." <a@b.co>`.
const NAME_ADDR = /^(?:"((?:[^"\\]|\\.)*)"|([^"<>]*?))\s*<([^<>]*)>$/

/** True for a plausible deliverable address: local@domain.tld, no spaces, no control characters. */
export function isValidEmail(email: string): boolean {
  if (email.length > 254) return false
  const at = email.lastIndexOf('@')
  if (at < 1) return false
  const local = email.slice(0, at)
  const domain = email.slice(at + 1)
  if (local.length > 64 || !LOCAL_PART.test(local)) return false
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return false
  const labels = domain.split('.')
  return labels.length >= 2 && labels.every((label) => DOMAIN_LABEL.test(label))
}

/**
 * One address from `"a@b.co"`, `"Name <a@b.co>"` or `{ email, name }`.
 * A string is one address: a comma never splits it into two recipients, so a
 * user-supplied "me@x.co, victim@y.co" is refused, not sent to both.
 */
export function parseAddress(input: AddressLike, field: string): MailAddress {
  if (typeof input === 'string') {
    if (hasControlCharacter(input)) throw injection(field)
    const trimmed = input.trim()
    const match = NAME_ADDR.exec(trimmed)
    const email = (match ? (match[3] ?? '') : trimmed).trim()
    const rawName = match ? (match[1]?.replace(/\\(.)/g, '$1') ?? match[2] ?? '') : ''
    return checked({ email, name: rawName.trim() }, field)
  }
  if (input === null || typeof input !== 'object' || typeof input.email !== 'string') {
    throw invalid(field, `expected "a@b.co", "Name <a@b.co>" or { email, name }, got ${describe(input)}`)
  }
  if (input.name !== undefined && typeof input.name !== 'string') {
    throw invalid(field, `the name must be a string, got ${describe(input.name)}`)
  }
  if (hasControlCharacter(input.email) || (input.name !== undefined && hasControlCharacter(input.name))) {
    throw injection(field)
  }
  return checked({ email: input.email.trim(), name: input.name?.trim() ?? '' }, field)
}

/** Zero or more addresses. */
export function parseRecipients(input: Recipients | undefined, field: string): MailAddress[] {
  if (input === undefined || input === null) return []
  const list = Array.isArray(input) ? (input as readonly AddressLike[]) : [input as AddressLike]
  return list.map((item, i) => parseAddress(item, list.length > 1 ? `${field}[${i}]` : field))
}

/** `Name <a@b.co>` with the name quoted when it needs to be (RFC 5322 specials). */
export function formatAddress(address: MailAddress): string {
  if (!address.name) return address.email
  const name = /^[\p{L}\p{N} !#$%&'*+/=?^_`{|}~-]+$/u.test(address.name)
    ? address.name
    : `"${address.name.replace(/(["\\])/g, '\\$1')}"`
  return `${name} <${address.email}>`
}

function checked(address: { email: string; name: string }, field: string): MailAddress {
  if (!isValidEmail(address.email)) {
    throw invalid(field, `"${address.email}" is not a valid e-mail address`)
  }
  if (address.name.length > 200) throw invalid(field, 'the display name is longer than 200 characters')
  return address.name ? { email: address.email, name: address.name } : { email: address.email }
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object without `email`' : typeof value
}
