import { readFileSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import { createDebug, KitError, redactString } from '@kit/internal'
import { findConfigFile } from './find.ts'
import type { KitConfig } from './types.ts'

const debug = createDebug('config')

export interface LoadConfigOptions {
  /** The app's folder: kit.config is looked for as findConfigFile() says. @default process.cwd() */
  cwd?: string
  /** Load this file instead of searching (relative to cwd). */
  file?: string
}

export interface LoadedConfig {
  config: KitConfig
  /** Absolute path of the file, or undefined when there is none. */
  path: string | undefined
}

/**
 * The @kit/* modules a config imports, loaded here and handed to jiti as
 * ready modules: the config then shares this process's instances (one
 * KitError class, one zod registry) and never needs a build of the
 * workspace packages it imports.
 */
async function kitModules(source: string): Promise<Record<string, unknown>> {
  const specifiers = new Set<string>()
  // Type-only imports are erased: nothing to load for them.
  const code = source.replace(/import\s+type\s[^;]*?from\s*["'][^"']+["']/g, '')
  for (const match of code.matchAll(/["'](@kit\/[a-z0-9-]+(?:\/[a-z0-9-]+)*)["']/g)) specifiers.add(match[1]!)
  const modules: Record<string, unknown> = {}
  for (const specifier of specifiers) {
    try {
      modules[specifier] = await import(specifier)
    } catch (error) {
      // Not resolvable from @kit/core: jiti resolves it from the app's own node_modules.
      debug('cannot preload %s: %s', specifier, (error as Error).message)
    }
  }
  return modules
}

function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? 'an object' : typeof value
}

function validate(config: unknown, file: string): KitConfig {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new KitError(
      'KIT_CONFIG_INVALID',
      `${file} must export a config object as its default export (export default defineConfig({ ... })), got ${describeValue(config)}.`,
    )
  }
  const env = (config as KitConfig).env
  if (env !== undefined) {
    if (env === null || typeof env !== 'object' || Array.isArray(env)) {
      throw new KitError(
        'KIT_CONFIG_INVALID',
        `${file}: env must be an object of zod schemas ({ NAME: z.string() }), got ${describeValue(env)}.`,
      )
    }
    for (const [name, schema] of Object.entries(env)) {
      if (schema !== null && typeof schema === 'object' && '_zod' in schema) continue
      const zod3 = schema !== null && typeof schema === 'object' && '_def' in schema
      throw new KitError(
        'KIT_CONFIG_INVALID',
        zod3
          ? `${file}: env.${name} is a zod 3 schema; kit needs zod 4. Import z from @kit/core (or from zod >= 4).`
          : `${file}: env.${name} is not a zod schema (got ${describeValue(schema)}). Use z.string(), int(), bool(), url()... from @kit/core.`,
      )
    }
  }
  return config as KitConfig
}

/** Moves the "file:line:column" a parser appends to the message into the location. */
function locate(message: string, path: string): { where: string; reason: string } {
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const match = new RegExp(`\\s*\\(?${escaped}:(\\d+):(\\d+)\\)?`).exec(message)
  if (!match) return { where: path, reason: message.trim() }
  return { where: `${path}:${match[1]}:${match[2]}`, reason: message.replace(match[0], '').trim() }
}

/**
 * Finds (package.json `kit.config`, else kit.config.{ts,mts,mjs,js} in `cwd`,
 * else in `cwd`/src) and loads the app's kit.config. TypeScript loads on
 * Node 20 without a build step (through jiti). Returns `{ config: {}, path:
 * undefined }` when there is no config file.
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const cwd = resolve(options.cwd ?? process.cwd())
  const path = options.file ? resolve(cwd, options.file) : findConfigFile(cwd)
  if (!path) {
    debug('no kit.config in %s', cwd)
    return { config: {}, path: undefined }
  }
  const name = basename(path)
  let exported: unknown
  try {
    const source = readFileSync(path, 'utf8')
    const { createJiti } = await import('jiti')
    const jiti = createJiti(path, {
      moduleCache: false,
      interopDefault: false,
      virtualModules: await kitModules(source),
    })
    const module = await jiti.import<Record<string, unknown> | undefined>(path)
    exported = module && typeof module === 'object' && 'default' in module ? module.default : undefined
  } catch (error) {
    if (error instanceof KitError) throw error
    const { where, reason } = locate(error instanceof Error ? error.message : String(error), path)
    throw new KitError(
      'KIT_CONFIG_LOAD_FAILED',
      `Could not load ${name} (${where}): ${redactString(reason)}`,
      {
        cause: error,
      },
    )
  }
  debug('loaded %s', path)
  return { config: validate(exported, name), path }
}
