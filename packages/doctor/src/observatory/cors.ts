import { firstHeader, type HeaderMap } from './input.ts'
import { type ObservatoryTest, testResult } from './result.ts'

/** The CORS test, from the preflight: only an echoed Origin with credentials is penalised (−50). */
export function corsTest(preflight: { headers: HeaderMap; origin: string } | undefined): ObservatoryTest {
  const name = 'cross-origin-resource-sharing'
  const acao = firstHeader(preflight?.headers, 'access-control-allow-origin')
  if (!preflight || !acao) return testResult(name, 'cross-origin-resource-sharing-not-implemented', true)
  if (acao.slice(0, 256).trim().toLowerCase() === '*')
    return testResult(name, 'cross-origin-resource-sharing-implemented-with-public-access', true)
  const credentials = firstHeader(preflight.headers, 'access-control-allow-credentials')
  if (acao === preflight.origin && credentials?.trim().toLowerCase() === 'true')
    return testResult(name, 'cross-origin-resource-sharing-implemented-with-universal-access', false)
  return testResult(name, 'cross-origin-resource-sharing-implemented-with-restricted-access', true)
}
