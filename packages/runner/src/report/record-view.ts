import type { HostCounts } from '../engine/events.js';
import type { HostRecord, RunRecord, StepRecord } from '../record/types.js';

/**
 * The record as the report reads it: today's fields, and the optional ones other parts add
 * (batches, rolling, ignored, host outputs, limit: contracts.md). Every one may be absent, as in
 * records written before it existed.
 */
export interface BatchView {
  index: number;
  hosts: string[];
  state: string;
  jobInstanceId?: number;
  jobInstanceName?: string;
  submittedAt?: string;
  finishedAt?: string;
  counts?: HostCounts;
  status?: number;
}

export type ReportHost = HostRecord & { batch?: number; outputs?: Record<string, string> };

export type ReportStep = Omit<StepRecord, 'state' | 'hosts' | 'batches' | 'rolling' | 'ignored'> & {
  state: string;
  hosts?: ReportHost[];
  batches?: BatchView[];
  rolling?: { expr: string; maxFail: number; maxFailText: string; pauseMs: number; confirm: boolean };
  ignored?: boolean;
};

export type ReportRecord = Omit<RunRecord, 'steps'> & { steps: ReportStep[]; limit?: string[] };
