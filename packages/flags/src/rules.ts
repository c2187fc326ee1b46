import type { EvaluationContext } from './types.ts'

/** An attribute condition: `plan in [pro, team]` is `{ attribute: 'plan', negate: false, values: {pro, team} }`. */
export interface CompiledRule {
  attribute: string
  negate: boolean
  values: ReadonlySet<string>
}

/** The object form accepted next to the text form in flags.json and the API. */
export interface AttributeRule {
  attribute: string
  operator: 'in' | 'notIn'
  values: readonly (string | number | boolean)[]
}

const ATTRIBUTE = '[A-Za-z_][A-Za-z0-9_.-]*'
const LIST_RULE = new RegExp(`^\\s*(${ATTRIBUTE})\\s+(not\\s+in|in)\\s*\\[(.*)\\]\\s*$`, 'i')
const EQUALS_RULE = new RegExp(`^\\s*(${ATTRIBUTE})\\s*(!=|=)\\s*(.+?)\\s*$`)
const ATTRIBUTE_ONLY = new RegExp(`^${ATTRIBUTE}$`)

/** Parses `plan in [pro, team]`, `country not in [US]`, `plan = pro`, `plan != free`; returns a problem text when it cannot. */
export function parseRule(input: unknown): CompiledRule | string {
  if (typeof input === 'string') return parseRuleText(input)
  if (input !== null && typeof input === 'object' && !Array.isArray(input)) {
    const { attribute, operator, values } = input as Partial<AttributeRule>
    if (typeof attribute !== 'string' || !ATTRIBUTE_ONLY.test(attribute))
      return 'attribute must be a name like "plan"'
    if (operator !== 'in' && operator !== 'notIn') return 'operator must be "in" or "notIn"'
    if (!Array.isArray(values) || values.length === 0) return 'values must be a non-empty array'
    if (!values.every((v) => ['string', 'number', 'boolean'].includes(typeof v)))
      return 'values must be strings, numbers or booleans'
    return { attribute, negate: operator === 'notIn', values: new Set(values.map(String)) }
  }
  return 'a rule is a text like "plan in [pro, team]" or { attribute, operator, values }'
}

function parseRuleText(text: string): CompiledRule | string {
  const list = LIST_RULE.exec(text)
  if (list) {
    const values = splitValues(list[3]!)
    if (typeof values === 'string') return values
    return { attribute: list[1]!, negate: /^not/i.test(list[2]!), values: new Set(values) }
  }
  const equals = EQUALS_RULE.exec(text)
  if (equals) {
    const values = splitValues(equals[3]!)
    if (typeof values === 'string') return values
    if (values.length !== 1) return `use "in [...]" to compare with several values`
    return { attribute: equals[1]!, negate: equals[2] === '!=', values: new Set(values) }
  }
  return `cannot read the rule "${text}"; write it as "attribute in [a, b]", "attribute not in [a]", "attribute = a" or "attribute != a"`
}

function splitValues(list: string): string[] | string {
  const values: string[] = []
  // Each value is bare text or a double-quoted JSON string (for values holding commas or brackets).
  const item = /\s*("(?:[^"\\]|\\.)*"|[^,]*?)\s*(?:,|$)/y
  let index = 0
  while (index < list.length) {
    item.lastIndex = index
    const match = item.exec(list)
    if (!match || match[0] === '') break
    const raw = match[1]!
    let value = raw
    if (raw.startsWith('"')) {
      try {
        value = JSON.parse(raw) as string
      } catch {
        return `cannot read the quoted value ${raw}`
      }
    }
    if (value === '') return 'a rule has an empty value (two commas in a row, or a trailing comma)'
    values.push(value)
    index = item.lastIndex
  }
  if (values.length === 0) return 'a rule needs at least one value'
  return values
}

function formatValue(value: string): string {
  return /^[^\s,"[\]][^,"[\]]*$/.test(value) && value.trim() === value ? value : JSON.stringify(value)
}

/** The canonical text form, stored and shown by the CLI. */
export function formatRule(rule: CompiledRule): string {
  return `${rule.attribute} ${rule.negate ? 'not in' : 'in'} [${[...rule.values].map(formatValue).join(', ')}]`
}

/**
 * A missing attribute fails `in` and passes `not in` (as Unleash's NOT_IN
 * does); an array attribute (roles) matches when any element is listed.
 */
export function ruleMatches(rule: CompiledRule, context: EvaluationContext | undefined): boolean {
  const actual = rule.attribute === 'userId' ? context?.userId : context?.attributes?.[rule.attribute]
  let found: boolean
  if (actual === undefined || actual === null) found = false
  else if (Array.isArray(actual)) found = actual.some((item) => rule.values.has(String(item)))
  else found = rule.values.has(String(actual))
  return rule.negate ? !found : found
}
