/** What a flag can hold. */
export type FlagValue = boolean | string | number

/** One flag as the app defines it in code (kit.config `flags`). */
export interface FlagDefinition {
  /** Served when no source (flags.json, env, database) says otherwise; its type is the flag's type. */
  default: FlagValue
  /** Shown by `kit flags list`. */
  description?: string
  /** The values a string or number flag may take (A/B variants); `default` must be one of them. */
  variants?: readonly FlagValue[]
}

export type FlagDefinitions = Record<string, FlagDefinition>

type Widen<T> = T extends boolean ? boolean : T extends string ? string : T extends number ? number : never

/** The type `get()` returns for a definition: its variants, else the widened type of its default. */
export type FlagValueOf<D> = D extends { variants: readonly (infer V extends FlagValue)[] }
  ? V
  : D extends { default: infer T }
    ? Widen<T>
    : never

/** Flag names of a definitions object. */
export type FlagName<D extends FlagDefinitions> = keyof D & string

/** Who is asking: the user id buckets rollouts and matches allow/deny lists; attributes match rules. */
export interface EvaluationContext {
  userId?: string | number | undefined
  attributes?: Readonly<Record<string, unknown>> | undefined
}

/**
 * How a flag is served, as flags.json, FEATURE_FLAGS, FLAG_* and the
 * database hold it. A bare value (`true`, `"b"`) is shorthand for
 * `{ enabled: true }` / `{ value: "b" }`. Checks run in this order: enabled,
 * deny, allow, rules, rollout, then weights pick the value.
 */
export interface FlagState {
  /** The kill switch: off serves `false` (boolean flags) or the default. @default true */
  enabled?: boolean
  /** The value served when on (string and number flags). @default the definition's default */
  value?: FlagValue
  /** User ids that always get the flag (rules and rollout are skipped for them). Alone, without rules or a rollout, the flag is for them only. */
  allow?: string[]
  /** User ids that never get it (beats allow). */
  deny?: string[]
  /** Attribute conditions that must all hold, e.g. `plan in [pro, team]`, `country not in [US]`. */
  rules?: string[]
  /** Percentage of users (0–100) who get the flag, by a sticky bucket of `stickiness`. @default 100 */
  rollout?: number
  /** The context key buckets are computed from: `userId` or an attribute name. @default 'userId' */
  stickiness?: string
  /** A/B weights of the values served when on, e.g. `{ "a": 50, "b": 50 }`. */
  weights?: Record<string, number>
}

/** Which layer decided a flag (lowest to highest). */
export type FlagSource = 'default' | 'file' | 'env' | 'database'

/** OpenFeature's standard reasons, so the provider passes them through unchanged. */
export type EvaluationReason = 'DEFAULT' | 'STATIC' | 'DISABLED' | 'TARGETING_MATCH' | 'SPLIT'

export interface FlagEvaluation<V extends FlagValue = FlagValue> {
  value: V
  /** Boolean flags: the value. Other flags: false when the default is served because the flag is off for this context. */
  enabled: boolean
  reason: EvaluationReason
  /** The weight key that picked the value, for A/B splits. */
  variant?: string
  source: FlagSource
}
