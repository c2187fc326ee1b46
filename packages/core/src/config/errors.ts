/** Error codes of kit.config loading; spread into @kit/core's src/errors.ts. */
export const configErrors = {
  KIT_CONFIG_LOAD_FAILED: {
    when: 'kit.config.{ts,mts,mjs,js} exists but could not be loaded: a syntax error, a failing import, or code that throws while the file runs.',
    fix: 'Fix the error the message shows for the named file; `node --import tsx kit.config.ts` (or `node kit.config.mjs`) reproduces it outside kit.',
  },
  KIT_CONFIG_NOT_FOUND: {
    when: 'package.json has a `"kit": { "config": ... }` field that is not a path, or names a file that does not exist.',
    fix: 'Point it at the kit.config file, relative to the app\'s folder (`"kit": { "config": "app/kit.config.ts" }`), or remove it: without it kit looks for kit.config.* in the app\'s folder, then in src/.',
  },
  KIT_CONFIG_INVALID: {
    when: 'kit.config loaded but its default export is not a config object, or `env` holds something that is not a zod 4 schema.',
    fix: 'Export the config as the default export: `export default defineConfig({ env: { NAME: z.string() } })`, with z imported from @kit/core (or zod 4).',
  },
} as const
