import { isSensitiveKey } from '@kit/internal'
import type { z } from 'zod'
import { BUILTIN_SPECS, type BuiltinSpec, type EnvMeta } from './builtin.ts'
import { loadZod } from './lazy-zod.ts'

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
    const meta = loadZod().z.globalRegistry.get(node)
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

/** A variable of the merged schema: a built-in one checked without zod, or a zod schema (the app's). */
export type EnvEntry =
  | { name: string; builtin: true; spec: BuiltinSpec }
  | { name: string; builtin: false; schema: AnySchema }

function describeOne(entry: EnvEntry): EnvVarDescription {
  const { name } = entry
  const meta =
    'spec' in entry
      ? { ...entry.spec.meta, hasDefault: entry.spec.hasDefault, defaultValue: entry.spec.default }
      : readMeta(entry.schema)
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
    // A built-in variable has a default or is optional; nothing of the built-in schema is required.
    required: 'spec' in entry ? false : !loadZod().z.safeParse(entry.schema, undefined).success,
    requiredWhen: meta.requiredWhen,
    fix: meta.fix,
    example: meta.example,
    builtin: entry.builtin,
  }
}

/** The built-in variables plus the app's, in schema order (an app entry replaces a built-in of the same name). */
export function mergeShapes(schema: z.ZodRawShape | undefined): EnvEntry[] {
  const entries: EnvEntry[] = []
  const app = schema ?? {}
  for (const [name, spec] of Object.entries(BUILTIN_SPECS)) {
    const override = app[name]
    entries.push(override ? { name, builtin: false, schema: override } : { name, builtin: true, spec })
  }
  for (const [name, s] of Object.entries(app)) {
    if (!(name in BUILTIN_SPECS)) entries.push({ name, builtin: false, schema: s })
  }
  return entries
}

/** Every variable of the built-in schema extended by `schema`: name, description, default, secret, required. */
export function describeEnv(schema?: z.ZodRawShape): EnvVarDescription[] {
  return mergeShapes(schema).map(describeOne)
}
