export { configSchema, configJsonSchema, defaultConfig, exceptionSchema, ANOMALY_RULES } from './schema.js';
export type { Config, ConfigInput, ExceptionRule, AnomalySettings, AnomalyRuleId } from './schema.js';
export { loadConfig, parseConfig, didYouMean, yamlToJs, CONFIG_FILES, type LoadedConfig } from './load.js';
export { parseSince, parseUntil, checkWindow, windowStartProblem, MAX_WINDOW_DAYS } from './when.js';
