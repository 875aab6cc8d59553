import type { FastExecuteScriptRequest } from '@runbook/core';

/** One step, fully resolved: the exact request that will be sent, and what a person needs to read it. */
export interface PlannedStep {
  name: string;
  description?: string;
  request: FastExecuteScriptRequest;
  /** Script text as it will run (secrets never appear in scripts). */
  script?: string;
  scriptSha256?: string;
  hostCount: number;
  onFailure: 'abort' | 'continue';
  confirm?: string;
}

/** The plan of a run: plain data, nothing after it re-reads the runbook. */
export interface Plan {
  runbookPath: string;
  name: string;
  biz: number;
  steps: PlannedStep[];
}
