export { type DefinedConfig, defineConfig } from './define.ts'
export { configErrors } from './errors.ts'
export {
  CONFIG_FILES,
  findConfigFile,
  type LoadConfigOptions,
  type LoadedConfig,
  loadConfig,
} from './load.ts'
export type { KitConfig } from './types.ts'
