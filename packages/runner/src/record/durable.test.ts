import { describe, expect, it } from 'vitest';
import { submittedSteps } from './durable.js';
import type { RunRecord, StepRecord } from './types.js';

const step = (name: string, more: Partial<StepRecord>): StepRecord =>
  ({
    name,
    state: 'pending',
    request: {
      taskName: `rb/${name}`,
      hosts: 2,
      customQueries: [],
      account: 'root',
      timeoutSec: 60,
      sensitive: false,
    },
    fingerprint: {},
    ...more,
  }) as StepRecord;

const record = (steps: StepRecord[]) => ({ runId: 'r', steps }) as unknown as RunRecord;

describe('submittedSteps: what is printed when the record cannot be saved', () => {
  it('names the job of a step, and a step whose submit got no answer', () => {
    expect(
      submittedSteps(
        record([
          step('one', { state: 'succeeded', jobInstanceId: 10000 }),
          step('two', { state: 'may-have-started' }),
          step('three', { state: 'pending' }),
        ]),
      ),
    ).toEqual([
      '  one: job 10000 (succeeded)',
      '  two: may have started a job "rb/two" (no answer from JOB)',
    ]);
  });

  it('names the job of every batch of a rolling step, not only the newest', () => {
    const lines = submittedSteps(
      record([
        step('roll', {
          state: 'running',
          jobInstanceId: 10004,
          batches: [
            { index: 1, hosts: ['0:10.0.0.1'], state: 'succeeded', jobInstanceId: 10000 },
            { index: 2, hosts: ['0:10.0.0.2'], state: 'failed', jobInstanceId: 10002 },
            { index: 3, hosts: ['0:10.0.0.3'], state: 'running', jobInstanceId: 10004 },
            { index: 4, hosts: ['0:10.0.0.4'], state: 'submitting' },
            { index: 5, hosts: ['0:10.0.0.5'], state: 'pending' },
          ],
        }),
      ]),
    );
    expect(lines).toEqual([
      '  roll: job 10000 (batch 1, succeeded)',
      '  roll: job 10002 (batch 2, failed)',
      '  roll: job 10004 (batch 3, running)',
      '  roll: may have started a job "rb/roll" (no answer from JOB), batch 4',
    ]);
  });
});
