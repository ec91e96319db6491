export { configSchema, configJsonSchema, defaultConfig, exceptionSchema, ANOMALY_RULES } from './schema.js';
export type { Config, ConfigInput, ExceptionRule, AnomalySettings, AnomalyRuleId } from './schema.js';
export { loadConfig, parseConfig, didYouMean, CONFIG_FILES, type LoadedConfig } from './load.js';
