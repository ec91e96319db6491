/**
 * A local GitHub: REST and GraphQL endpoints served from a scenario, used by the tests and by
 * `greenlight demo`. See docs/github-simulator.md.
 */
export { startSimulator } from './server.js';
export type { Simulator, SimulatorOptions, SimulatorStats, SimExchange } from './server.js';
export { loadScenarioFile, parseScenario, scenarioSchema, resolveDate } from './scenario.js';
export type { Scenario, ScenarioInput, ScenarioRepository } from './scenario.js';
export { githubSchema } from './graphql.js';
