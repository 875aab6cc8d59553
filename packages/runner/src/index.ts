export { planChanges, resumeDirectives, selectSteps } from './engine/directives.js';
export type {
  ConfirmFn,
  ConfirmRequest,
  ErrorInfo,
  EventSink,
  HostCounts,
  HostResult,
  RunControl,
  RunEvent,
  RunEventType,
  StepSummary,
} from './engine/events.js';
export { EVENT_SCHEMA_VERSION } from './engine/events.js';
export {
  type ExecuteOptions,
  execute,
  type RunHandle,
  type StepDirective,
  startRun,
} from './engine/execute.js';
export { DEFAULT_POLL, nextPollDelay } from './engine/poll.js';
export { PlanError, RunnerError } from './errors.js';
export { EXIT } from './exit.js';
export { DEFAULT_TIMEOUT_SEC, type ResolveOptions, type ResolveResult, resolvePlan } from './plan/resolve.js';
export type { Plan, PlannedStep, ScriptSource } from './plan/types.js';
export { createRecorder, newRecord } from './record/recorder.js';
export { listRecords, newRunId, type RunListing, readRecord, runsDir } from './record/store.js';
export type { RunRecord, StepRecord, StepState } from './record/types.js';
export { recordProblem } from './record/validate.js';
export { escapeControls } from './render/controls.js';
export { createJsonRenderer } from './render/json.js';
export { displayPlan, formatPlan, planJson } from './render/plan.js';
export { createStreamRenderer } from './render/stream.js';
export { maskEventText } from './secrets/event-text.js';
export { createMask, MASK, maskDeep } from './secrets/mask.js';
export {
  chooseTransport,
  type Transport,
  type TransportChoice,
  type TransportInput,
  transportName,
} from './transport.js';
