import type { ParsedCsp } from './csp-parser.ts'
import { firstHeader, headerValues, type ObservatoryResponse } from './input.ts'
import { type ObservatoryTest, testResult } from './result.ts'

export const PRIVATE_REFERRER: readonly string[] = [
  'no-referrer',
  'same-origin',
  'strict-origin',
  'strict-origin-when-cross-origin',
]
export const UNSAFE_REFERRER: readonly string[] = [
  'origin',
  'origin-when-cross-origin',
  'unsafe-url',
  'no-referrer-when-downgrade',
]

/** The policy browsers apply: the last token they recognise, from the header(s) then <meta name=referrer>. */
export function effectiveReferrerPolicy(values: readonly string[]): string | undefined {
  const valid = new Set([...PRIVATE_REFERRER, ...UNSAFE_REFERRER])
  return values
    .join(', ')
    .split(',')
    .map((token) => token.trim().toLowerCase())
    .filter((token) => valid.has(token))
    .at(-1)
}

export function referrerPolicyTest(
  response: ObservatoryResponse | undefined,
  meta: readonly string[],
): ObservatoryTest {
  const name = 'referrer-policy'
  const values = [...headerValues(response?.headers, 'referrer-policy'), ...meta]
  if (values.length === 0) return testResult(name, 'referrer-policy-not-implemented', true)
  const policy = effectiveReferrerPolicy(values)
  if (policy !== undefined && PRIVATE_REFERRER.includes(policy))
    return testResult(name, 'referrer-policy-private', true)
  if (policy !== undefined) return testResult(name, 'referrer-policy-unsafe', false)
  return testResult(name, 'referrer-policy-header-invalid', false)
}

export function xContentTypeOptionsTest(response: ObservatoryResponse | undefined): ObservatoryTest {
  const name = 'x-content-type-options'
  const value = firstHeader(response?.headers, 'x-content-type-options')
  if (value === undefined) return testResult(name, 'x-content-type-options-not-implemented', false)
  return value.slice(0, 256).trim().toLowerCase() === 'nosniff'
    ? testResult(name, 'x-content-type-options-nosniff', true)
    : testResult(name, 'x-content-type-options-header-invalid', false)
}

/** Any frame-ancestors in the CSP (even `*`) replaces X-Frame-Options. Algorithm 4 gave DENY/SAMEORIGIN no bonus; 5 and 6 give +5. */
export function xFrameOptionsTest(
  response: ObservatoryResponse | undefined,
  csp: ParsedCsp | undefined,
): ObservatoryTest {
  const name = 'x-frame-options'
  let result: string
  const value = firstHeader(response?.headers, 'x-frame-options')
  if (value === undefined) result = 'x-frame-options-not-implemented'
  else {
    const xfo = value.slice(0, 1024).trim().toLowerCase()
    if (xfo === 'deny' || xfo === 'sameorigin') result = 'x-frame-options-sameorigin-or-deny'
    else if (xfo.startsWith('allow-from')) result = 'x-frame-options-allow-from-origin'
    else result = 'x-frame-options-header-invalid'
  }
  if (csp?.has('frame-ancestors')) result = 'x-frame-options-implemented-via-csp'
  const passing = [
    'x-frame-options-allow-from-origin',
    'x-frame-options-sameorigin-or-deny',
    'x-frame-options-implemented-via-csp',
  ]
  return testResult(name, result, passing.includes(result))
}
