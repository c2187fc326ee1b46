import { hostname, userInfo } from 'node:os'
import { dirname, resolve } from 'node:path'
import { loadEnv } from '@kit/env'
import type {
  FlagChange,
  FlagDefinitions,
  FlagInfo,
  FlagState,
  Flags,
  FlagsOptions,
  FlagValue,
} from '@kit/flags'
import { KitError } from '@kit/internal'
import type { Redis } from 'ioredis'
import { createDatabase } from '../../connections/database.ts'
import { createIoRedis } from '../../connections/ioredis.ts'
import { type Command, type CommandContext, defineCommand, UsageError } from '../command.ts'
import { type Colors, formatTable, type Output, stderrLogger } from '../output.ts'

/**
 * `kit flags list | get | set | rollout | variant | target | reset`: run-time
 * flag changes against the app's database (DATABASE_URL), each with an audit
 * row, announced to running instances through Postgres NOTIFY and, with
 * REDIS_URL, Redis pub/sub.
 */

const ACTOR_OPTION = {
  type: 'string',
  valueName: 'name',
  description: 'Who makes the change, for the audit row (default: user@host)',
} as const

/** The flags part of kit.config: `flags` (definitions) and `flagOptions`. */
interface FlagsConfigPart {
  flags?: FlagDefinitions
  flagOptions?: FlagsOptions
}

interface Session {
  flags: Flags
  close(): Promise<void>
}

/** Loads kit.config, connects to the database (and Redis when REDIS_URL is set) and reads the flags once. */
async function openFlags(ctx: CommandContext<any>): Promise<Session> {
  const { config, path } = await ctx.loadConfig()
  const part = config as typeof config & FlagsConfigPart
  if (!part.flags || Object.keys(part.flags).length === 0) {
    throw new KitError(
      'KIT_FLAGS_UNKNOWN_FLAG',
      `${path ?? 'This app has no kit.config, so it'} defines no flags. Add them to kit.config: \`flags: { newCheckout: { default: false } }\`.`,
    )
  }
  const appRoot = config.cwd ? resolve(path ? dirname(path) : ctx.cwd, config.cwd) : ctx.cwd
  // Only the built-in variables: a missing app variable must not block a flag change.
  const env = loadEnv({ preset: config.preset, cwd: appRoot, source: ctx.env })
  const log = stderrLogger(ctx.out)
  // Only a database server: the embedded PGlite is one process at a time, so a
  // CLI opening it next to the running app could damage it. Without
  // DATABASE_URL, list/get show code, flags.json and env; changes are refused.
  const database = env.DATABASE_URL
    ? createDatabase({ ...env, DYNO: ctx.env.DYNO }, config.database, { cwd: appRoot, log })
    : undefined
  if (!database) {
    ctx.out.error(
      ctx.out.errColor.dim('DATABASE_URL is not set: showing code, flags.json and env values only.'),
    )
  }
  let redis: Redis | undefined
  if (env.REDIS_URL) redis = createIoRedis({ ...env, DYNO: ctx.env.DYNO }, config.redis, { log })
  const { createFlags } = await import('@kit/flags')
  const flags = createFlags(part.flags, part.flagOptions, {
    env: ctx.env,
    log,
    ...(database ? { knex: database.knex } : {}),
    ...(redis ? { redis } : {}),
    cwd: appRoot,
  }) as Flags
  const close = async () => {
    await flags.close()
    await database?.knex.destroy().catch(() => {})
    if (redis) {
      await Promise.race([redis.quit().catch(() => {}), new Promise((r) => setTimeout(r, 1000).unref())])
      redis.disconnect()
    }
  }
  try {
    await flags.load()
  } catch (error) {
    await close()
    throw error
  }
  return { flags, close }
}

async function withFlags<T>(ctx: CommandContext<any>, run: (flags: Flags) => Promise<T> | T): Promise<T> {
  const session = await openFlags(ctx)
  try {
    return await run(session.flags)
  } finally {
    await session.close()
  }
}

function defaultActor(): string {
  try {
    return `${userInfo().username}@${hostname()}`
  } catch {
    return `cli@${hostname()}`
  }
}

function info(flags: Flags, name: string): FlagInfo {
  const found = flags.list().find((flag) => flag.name === name)
  // evaluate() throws the KitError with a "Did you mean" hint.
  if (!found) flags.evaluate(name)
  return found!
}

function show(value: FlagValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/** One line summing up a state: `on, 20% by userId, allow 2, rules: plan in [pro]`. */
export function describeState(state: FlagState | undefined, kind: FlagInfo['kind']): string {
  if (!state) return 'code default'
  const parts: string[] = [state.enabled === false ? 'off' : 'on']
  if (state.value !== undefined) parts.push(`value ${show(state.value)}`)
  if (state.rollout !== undefined) parts.push(`${state.rollout}% by ${state.stickiness ?? 'userId'}`)
  if (state.weights) {
    parts.push(
      `weights ${Object.entries(state.weights)
        .map(([key, weight]) => `${key}=${weight}`)
        .join(' ')}`,
    )
  }
  if (state.allow?.length) parts.push(`allow ${state.allow.join(',')}`)
  if (state.deny?.length) parts.push(`deny ${state.deny.join(',')}`)
  if (state.rules?.length) parts.push(`rules: ${state.rules.join('; ')}`)
  return kind === 'boolean' || parts.length > 1 ? parts.join(', ') : parts[0]!
}

function printChange(out: Output, json: boolean, flag: FlagInfo, change: FlagChange): void {
  if (json) {
    out.json({
      ...change,
      before: change.before ?? null,
      after: change.after ?? null,
      at: change.at.toISOString(),
    })
    return
  }
  const c = out.color
  out.line(
    `${c.bold(change.name)}: ${describeState(change.before, flag.kind)} → ${c.green(describeState(change.after, flag.kind))}`,
  )
  out.line(
    c.dim(`${change.action} by ${change.actor} at ${change.at.toISOString()} (version ${change.version})`),
  )
}

function requireArgs(positionals: string[], count: number, usage: string): void {
  if (positionals.length !== count) throw new UsageError(`Expected ${usage}.`)
}

const listCommand = defineCommand({
  name: 'flags list',
  summary: 'List feature flags: value, deciding source, targeting, last change',
  description:
    'Shows each flag defined in kit.config with what an anonymous request gets, which source decides it\n(code default < flags.json < env < database) and who changed it last.',
  json: true,
  examples: ['kit flags list', 'kit flags list --json'],
  run: (ctx) =>
    withFlags(ctx, (flags) => {
      const list = flags.list()
      if (ctx.json) {
        ctx.out.json(
          list.map((flag) => ({
            name: flag.name,
            kind: flag.kind,
            description: flag.description ?? null,
            default: flag.defaultValue,
            variants: flag.variants ?? null,
            source: flag.source,
            state: flag.state ?? null,
            value: flag.anonymous.value,
            updatedBy: flag.updatedBy ?? null,
            updatedAt: flag.updatedAt?.toISOString() ?? null,
          })),
        )
        return 0
      }
      const c = ctx.out.color
      const rows = list.map((flag) => [
        c.bold(flag.name),
        show(flag.anonymous.value),
        flag.source === 'database' ? c.cyan(flag.source) : flag.source,
        describeState(flag.state, flag.kind),
        flag.updatedAt ? c.dim(`${flag.updatedBy ?? '?'} ${flag.updatedAt.toISOString()}`) : '',
      ])
      ctx.out.line(
        formatTable([
          [c.bold('FLAG'), c.bold('VALUE'), c.bold('SOURCE'), c.bold('STATE'), c.bold('CHANGED')],
          ...rows,
        ]).join('\n'),
      )
      return 0
    }),
})

const getCommand = defineCommand({
  name: 'flags get',
  summary: 'Show one flag: definition, state, and its recent changes (who, when)',
  positionals: [{ name: 'flag', description: 'Flag name' }],
  options: { limit: { type: 'string', valueName: 'n', description: 'Changes to show (default 10)' } },
  json: true,
  examples: ['kit flags get newCheckout', 'kit flags get newCheckout --json'],
  run: (ctx) => {
    requireArgs(ctx.positionals, 1, 'one flag name: kit flags get <flag>')
    const limit = ctx.values.limit === undefined ? 10 : Number(ctx.values.limit)
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw new UsageError(`--limit must be a whole number from 1 to 1000, got "${ctx.values.limit}".`)
    return withFlags(ctx, async (flags) => {
      const name = ctx.positionals[0]!
      const flag = info(flags, name)
      const history = await flags.history(name, limit)
      if (ctx.json) {
        ctx.out.json({
          ...flag,
          value: flag.anonymous.value,
          updatedAt: flag.updatedAt?.toISOString() ?? null,
          history: history.map((entry) => ({ ...entry, at: entry.at.toISOString() })),
        })
        return 0
      }
      printFlag(ctx.out.color, ctx.out, flag, history)
      return 0
    })
  },
})

function printFlag(
  c: Colors,
  out: Output,
  flag: FlagInfo,
  history: Awaited<ReturnType<Flags['history']>>,
): void {
  const rows = [
    ['Flag:', c.bold(flag.name)],
    ['Type:', flag.kind + (flag.variants ? ` (variants ${flag.variants.map(show).join(', ')})` : '')],
    ['Default:', show(flag.defaultValue)],
    ['Source:', flag.source],
    ['State:', describeState(flag.state, flag.kind)],
    ['Anonymous:', show(flag.anonymous.value)],
  ]
  if (flag.description) rows.splice(1, 0, ['About:', flag.description])
  out.line(formatTable(rows).join('\n'))
  out.line()
  if (history.length === 0) {
    out.line(c.dim('No run-time changes recorded.'))
    return
  }
  out.line(c.bold('Changes (newest first):'))
  out.line(
    formatTable(
      history.map((entry) => [
        `  ${c.dim(entry.at.toISOString())}`,
        entry.actor,
        entry.action,
        typeof entry.after === 'object' && entry.after !== null
          ? describeState(entry.after as FlagState, flag.kind)
          : entry.after === undefined
            ? 'removed'
            : String(entry.after),
      ]),
    ).join('\n'),
  )
}

const TOGGLE_WORDS: Record<string, boolean> = { on: true, off: false, true: true, false: false }

const setCommand = defineCommand({
  name: 'flags set',
  summary: 'Turn a flag on or off, or set the value it serves',
  description:
    'Boolean flags take on|off (or true|false); the rollout and targeting are kept, so `off` is a kill\nswitch and `on` restores them. String and number flags take a value, served to everyone the\nflag is on for (it replaces A/B weights); on|off switch them unless that word is one of their values.',
  positionals: [
    { name: 'flag', description: 'Flag name' },
    { name: 'value', description: 'on|off, or a value of the flag' },
  ],
  options: { actor: ACTOR_OPTION },
  json: true,
  examples: [
    'kit flags set newCheckout on',
    'kit flags set newCheckout off --actor alice',
    'kit flags set checkoutCopy b',
  ],
  run: (ctx) => {
    requireArgs(ctx.positionals, 2, 'a flag and a value: kit flags set <flag> on|off|<value>')
    const [name, text] = ctx.positionals as [string, string]
    return withFlags(ctx, async (flags) => {
      const flag = info(flags, name)
      const actor = { actor: ctx.values.actor ?? defaultActor() }
      const word = text.toLowerCase()
      let change: FlagChange
      if (flag.kind === 'boolean') {
        if (!(word in TOGGLE_WORDS))
          throw new UsageError(`${name} is a boolean flag: use on or off, got "${text}".`)
        change = await flags.set(name, TOGGLE_WORDS[word]!, actor)
      } else if (word in TOGGLE_WORDS && !flag.variants?.some((v) => String(v) === text)) {
        change = await flags.toggle(name, TOGGLE_WORDS[word]!, actor)
      } else {
        const value = flag.kind === 'number' ? Number(text) : text
        if (flag.kind === 'number' && (text.trim() === '' || !Number.isFinite(value)))
          throw new UsageError(`${name} is a number flag, got "${text}".`)
        change = await flags.set(name, value, actor)
      }
      printChange(ctx.out, ctx.json, flag, change)
      return 0
    })
  },
})

const rolloutCommand = defineCommand({
  name: 'flags rollout',
  summary: 'Serve a flag to a percentage of users (sticky buckets)',
  description:
    'Turns the flag on for <percent>% of users, bucketed by user id (or --stickiness <attribute>) with\nMurmurHash3 as Unleash does: a user keeps their bucket across instances and restarts, and raising\nthe percentage only adds users. 100 removes the limit; 0 turns it off for everyone but the allow list.',
  positionals: [
    { name: 'flag', description: 'Flag name' },
    { name: 'percent', description: 'Whole number from 0 to 100' },
  ],
  options: {
    stickiness: {
      type: 'string',
      valueName: 'key',
      description: 'Bucket by this attribute instead of userId',
    },
    actor: ACTOR_OPTION,
  },
  json: true,
  examples: ['kit flags rollout newCheckout 10', 'kit flags rollout newCheckout 50 --stickiness accountId'],
  run: (ctx) => {
    requireArgs(ctx.positionals, 2, 'a flag and a percentage: kit flags rollout <flag> <percent>')
    const [name, text] = ctx.positionals as [string, string]
    const percent = /^\d{1,3}%?$/.test(text) ? Number.parseInt(text, 10) : Number.NaN
    if (!(percent >= 0 && percent <= 100))
      throw new UsageError(`<percent> must be a whole number from 0 to 100, got "${text}".`)
    return withFlags(ctx, async (flags) => {
      const flag = info(flags, name)
      const change = await flags.rollout(name, percent, {
        actor: ctx.values.actor ?? defaultActor(),
        ...(ctx.values.stickiness ? { stickiness: ctx.values.stickiness } : {}),
      })
      printChange(ctx.out, ctx.json, flag, change)
      return 0
    })
  },
})

const variantCommand = defineCommand({
  name: 'flags variant',
  summary: 'Split the values a flag serves by weight (A/B tests)',
  description:
    'Each <value>=<weight> gives a value its share; weights are whole numbers and need not add up to 100.\nA user keeps their variant across instances and restarts (bucketed by user id).',
  positionals: [
    { name: 'flag', description: 'Flag name' },
    { name: 'value=weight...', description: 'One or more value=weight pairs' },
  ],
  options: { actor: ACTOR_OPTION },
  json: true,
  examples: ['kit flags variant checkoutCopy a=50 b=50', 'kit flags variant checkoutCopy a=90 b=10'],
  run: (ctx) => {
    if (ctx.positionals.length < 2)
      throw new UsageError('Expected a flag and value=weight pairs: kit flags variant <flag> a=50 b=50.')
    const [name, ...pairs] = ctx.positionals as [string, ...string[]]
    const weights: Record<string, number> = {}
    for (const pair of pairs) {
      const match = /^(.+)=(\d+)$/.exec(pair)
      if (!match) throw new UsageError(`"${pair}" is not value=weight (a whole number), e.g. a=50.`)
      weights[match[1]!] = Number(match[2])
    }
    return withFlags(ctx, async (flags) => {
      const flag = info(flags, name)
      const change = await flags.setWeights(name, weights, { actor: ctx.values.actor ?? defaultActor() })
      printChange(ctx.out, ctx.json, flag, change)
      return 0
    })
  },
})

function idList(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined
  return text
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean)
}

const targetCommand = defineCommand({
  name: 'flags target',
  summary: 'Set allow/deny lists by user id and attribute rules',
  description:
    'Each option given replaces that list; an empty value ("") clears it. Rules must all hold, e.g.\n--rules "plan in [pro, team]; country not in [US]".',
  positionals: [{ name: 'flag', description: 'Flag name' }],
  options: {
    allow: {
      type: 'string',
      valueName: 'ids',
      description: 'Comma-separated user ids that always get the flag',
    },
    deny: { type: 'string', valueName: 'ids', description: 'Comma-separated user ids that never get it' },
    rules: { type: 'string', valueName: 'rules', description: 'Attribute rules separated by ";"' },
    actor: ACTOR_OPTION,
  },
  json: true,
  examples: [
    'kit flags target newCheckout --allow 42,43',
    'kit flags target newCheckout --rules "plan in [pro, team]"',
  ],
  run: (ctx) => {
    requireArgs(
      ctx.positionals,
      1,
      'one flag name: kit flags target <flag> --allow ... --deny ... --rules ...',
    )
    const { allow, deny, rules } = ctx.values
    if (allow === undefined && deny === undefined && rules === undefined)
      throw new UsageError('Give at least one of --allow, --deny or --rules.')
    const name = ctx.positionals[0]!
    return withFlags(ctx, async (flags) => {
      const flag = info(flags, name)
      const targeting = {
        ...(allow !== undefined ? { allow: idList(allow)! } : {}),
        ...(deny !== undefined ? { deny: idList(deny)! } : {}),
        ...(rules !== undefined
          ? {
              rules: rules
                .split(';')
                .map((rule) => rule.trim())
                .filter(Boolean),
            }
          : {}),
      }
      const change = await flags.target(name, targeting, { actor: ctx.values.actor ?? defaultActor() })
      printChange(ctx.out, ctx.json, flag, change)
      return 0
    })
  },
})

const resetCommand = defineCommand({
  name: 'flags reset',
  summary: 'Remove the run-time state of a flag: env, flags.json or the code default apply again',
  positionals: [{ name: 'flag', description: 'Flag name' }],
  options: { actor: ACTOR_OPTION },
  json: true,
  examples: ['kit flags reset newCheckout'],
  run: (ctx) => {
    requireArgs(ctx.positionals, 1, 'one flag name: kit flags reset <flag>')
    const name = ctx.positionals[0]!
    return withFlags(ctx, async (flags) => {
      const flag = info(flags, name)
      const change = await flags.reset(name, { actor: ctx.values.actor ?? defaultActor() })
      printChange(ctx.out, ctx.json, flag, change)
      return 0
    })
  },
})

/** Every `kit flags` subcommand, registered with one line in commands/index.ts. */
export const flagsCommands: readonly Command<any>[] = [
  listCommand,
  getCommand,
  setCommand,
  rolloutCommand,
  variantCommand,
  targetCommand,
  resetCommand,
]
