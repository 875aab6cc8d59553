/** The events the executor emits; the only thing renderers see. Versioned for the NDJSON output. */

export const EVENT_SCHEMA_VERSION = 1;

export interface HostResult {
  ip: string;
  cloud: number;
  status: number;
  exitCode: number;
  tag: string;
  log: string;
}

export type RunEvent =
  | { type: 'run.started'; runbook: string; endpoint: string; local: boolean; biz: number; steps: string[] }
  | { type: 'step.submitted'; step: string; jobInstanceId: number; jobInstanceName: string }
  | {
      type: 'step.progress';
      step: string;
      status: number;
      hosts: Array<{ ip: string; cloud: number; status: number }>;
    }
  | { type: 'step.finished'; step: string; status: number; ok: boolean; hosts: HostResult[] }
  | { type: 'step.error'; step: string; message: string }
  | { type: 'run.finished'; ok: boolean; exitCode: number };

export type EventSink = (event: RunEvent) => void;
