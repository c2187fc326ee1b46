import { headerValues, type ObservatoryResponse } from './input.ts'
import { type ObservatoryTest, testResult } from './result.ts'
import { structuredToken } from './structured-fields.ts'

/** CORP: two fields reach the test joined ("same-origin, same-origin") and count as invalid. */
export function corpTest(response: ObservatoryResponse | undefined): ObservatoryTest {
  const name = 'cross-origin-resource-policy'
  const value = headerValues(response?.headers, 'cross-origin-resource-policy')
    .join(', ')
    .slice(0, 256)
    .trim()
    .toLowerCase()
  if (!value) return testResult(name, 'corp-not-implemented', true)
  const results: Record<string, string> = {
    'same-site': 'corp-implemented-with-same-site',
    'same-origin': 'corp-implemented-with-same-origin',
    'cross-origin': 'corp-implemented-with-cross-origin',
  }
  const result = results[value] ?? 'corp-header-invalid'
  return testResult(name, result, result !== 'corp-header-invalid')
}

/** COOP and COEP (algorithm 6): one field whose value is an RFC 8941 token (parameters allowed). */
function tokenPolicyTest(
  response: ObservatoryResponse | undefined,
  header: string,
  prefix: string,
  good: Record<string, string>,
): ObservatoryTest {
  const values = headerValues(response?.headers, header)
  if (values.length === 0) return testResult(header, `${prefix}-not-implemented`, true)
  if (values.length > 1) return testResult(header, `${prefix}-header-invalid`, false)
  const token = structuredToken(values[0]!.slice(0, 1024).trim())
  const result = token !== undefined ? good[token] : undefined
  return result ? testResult(header, result, true) : testResult(header, `${prefix}-header-invalid`, false)
}

export function coopTest(response: ObservatoryResponse | undefined): ObservatoryTest {
  return tokenPolicyTest(response, 'cross-origin-opener-policy', 'coop', {
    'same-origin': 'coop-implemented-with-same-origin',
    'same-origin-allow-popups': 'coop-implemented-with-same-origin-allow-popups',
    'noopener-allow-popups': 'coop-implemented-with-noopener-allow-popups',
    'unsafe-none': 'coop-implemented-with-unsafe-none',
  })
}

export function coepTest(response: ObservatoryResponse | undefined): ObservatoryTest {
  return tokenPolicyTest(response, 'cross-origin-embedder-policy', 'coep', {
    'require-corp': 'coep-implemented-with-require-corp',
    credentialless: 'coep-implemented-with-credentialless',
    'unsafe-none': 'coep-implemented-with-unsafe-none',
  })
}
