import { isSensitiveKey } from '@kit/internal'
import { z } from 'zod'
import { BUILTIN_SHAPE, type EnvMeta } from './builtin.ts'

/** One variable as `kit env example` and `kit env check` show it. */
export interface EnvVarDescription {
  name: string
  description: string | undefined
  group: string
  /** The default in words, or undefined when there is none. */
  default: string | undefined
  /** The schema default written as an env value ("3000", "a,b"), when there is one. */
  defaultValue: string | undefined
  /** Masked in output; never printed. */
  secret: boolean
  /** Must be set (no default and not optional). */
  required: boolean
  /** When an optional variable becomes required, in words. */
  requiredWhen: string | undefined
  fix: string | undefined
  example: string | undefined
  /** Part of kit's built-in schema (false: from the app's schema). */
  builtin: boolean
}

type AnySchema = z.core.$ZodType

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'catch', 'readonly', 'nonoptional'])

/**
 * The metadata of a schema and of every schema it wraps (`.optional()`,
 * `.default()`, pipes...), outer values first: `secret().optional().describe('x')`
 * is a secret described as "x".
 */
export function readMeta(schema: AnySchema): EnvMeta & { defaultValue?: unknown; hasDefault: boolean } {
  const merged: Record<string, unknown> = {}
  let defaultValue: unknown
  let hasDefault = false
  let node: AnySchema | undefined = schema
  for (let depth = 0; node && depth < 20; depth++) {
    const meta = z.globalRegistry.get(node)
    if (meta) for (const [key, value] of Object.entries(meta)) if (!(key in merged)) merged[key] = value
    const def = node._zod.def as unknown as Record<string, unknown> & { type: string }
    if (def.type === 'default' && !hasDefault) {
      hasDefault = true
      defaultValue = def.defaultValue
    }
    if (WRAPPERS.has(def.type)) node = def.innerType as AnySchema
    else if (def.type === 'pipe') node = def.in as AnySchema
    else node = undefined
  }
  return { ...(merged as EnvMeta), defaultValue, hasDefault }
}

/** How a parsed value is written in an env file: lists joined by commas. */
export function formatEnvValue(value: unknown): string {
  if (Array.isArray(value)) return value.join(',')
  return String(value)
}

export function isSecretSchema(name: string, schema: AnySchema): boolean {
  return readMeta(schema).secret ?? isSensitiveKey(name)
}

function describeOne(name: string, schema: AnySchema, builtin: boolean): EnvVarDescription {
  const meta = readMeta(schema)
  const defaultText =
    meta.defaultText ??
    (meta.hasDefault
      ? Array.isArray(meta.defaultValue) && meta.defaultValue.length === 0
        ? '(empty)'
        : formatEnvValue(meta.defaultValue)
      : undefined)
  return {
    name,
    description: meta.description,
    group: meta.group ?? 'App',
    default: defaultText,
    defaultValue: meta.hasDefault ? formatEnvValue(meta.defaultValue) : undefined,
    secret: meta.secret ?? isSensitiveKey(name),
    required: !z.safeParse(schema, undefined).success,
    requiredWhen: meta.requiredWhen,
    fix: meta.fix,
    example: meta.example,
    builtin,
  }
}

/** The built-in variables plus the app's, in schema order (an app entry replaces a built-in of the same name). */
export function mergeShapes(schema: z.ZodRawShape | undefined): [string, AnySchema, boolean][] {
  const entries: [string, AnySchema, boolean][] = []
  const app = schema ?? {}
  for (const [name, s] of Object.entries(BUILTIN_SHAPE)) {
    const override = app[name]
    entries.push(override ? [name, override, false] : [name, s, true])
  }
  for (const [name, s] of Object.entries(app)) {
    if (!(name in BUILTIN_SHAPE)) entries.push([name, s, false])
  }
  return entries
}

/** Every variable of the built-in schema extended by `schema`: name, description, default, secret, required. */
export function describeEnv(schema?: z.ZodRawShape): EnvVarDescription[] {
  return mergeShapes(schema).map(([name, s, builtin]) => describeOne(name, s, builtin))
}
