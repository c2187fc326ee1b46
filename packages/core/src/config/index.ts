export { type DefinedConfig, defineConfig } from './define.ts'
export { configErrors } from './errors.ts'
export { CONFIG_FILES, CONFIG_FOLDERS, findConfigFile } from './find.ts'
export {
  type LoadConfigOptions,
  type LoadedConfig,
  loadConfig,
} from './load.ts'
export type { KitConfig } from './types.ts'
