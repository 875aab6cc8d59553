import type { BatchRecord, HostRecord, RunRecord, StepRecord } from '../record/types.js';

/**
 * The record as the report reads it: the record's own types, whose newer fields (batches, rolling,
 * ignored, host outputs, limit) may each be absent, as in records written before they existed.
 */
export type BatchView = BatchRecord;
export type ReportHost = HostRecord;
export type ReportStep = StepRecord;
export type ReportRecord = RunRecord;
