export { configSchema, configJsonSchema, defaultConfig, exceptionSchema } from './schema.js';
export type { Config, ConfigInput, ExceptionRule } from './schema.js';
export { loadConfig, parseConfig, didYouMean, CONFIG_FILES, type LoadedConfig } from './load.js';
