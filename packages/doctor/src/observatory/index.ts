export { type ParsedCookie, parseSetCookie } from './cookies.ts'
export type { CspAnalysis } from './csp.ts'
export { type ParsedCsp, parseCsp, splitPolicies } from './csp-parser.ts'
export { gradeForScore, MINIMUM_SCORE_FOR_EXTRA_CREDIT, scoreFromModifiers } from './grade.ts'
export { effectiveReferrerPolicy, PRIVATE_REFERRER, UNSAFE_REFERRER } from './headers.ts'
export { collectElements, httpEquiv } from './html.ts'
export {
  firstHeader,
  type HeaderMap,
  headerValues,
  type ObservatoryInput,
  type ObservatoryResponse,
  type RedirectHop,
} from './input.ts'
export { MODIFIERS, type ObservatoryTest } from './result.ts'
export { type ObservatoryScore, scoreObservatory } from './score.ts'
export { classifyScripts, type ScriptSource } from './sri.ts'
export { parseDictionary, parseItem, structuredToken } from './structured-fields.ts'
export { type HstsAnalysis, SIX_MONTHS } from './transport.ts'
