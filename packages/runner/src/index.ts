export type { EventSink, HostResult, RunEvent } from './engine/events.js';
export { EVENT_SCHEMA_VERSION } from './engine/events.js';
export { type ExecuteOptions, execute } from './engine/execute.js';
export { EXIT } from './exit.js';
export { resolvePlan } from './plan/resolve.js';
export type { Plan, PlannedStep } from './plan/types.js';
