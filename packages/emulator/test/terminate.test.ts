import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../src/index.js';
import { AUTH, call, scriptRequest, waitFinished } from './helpers.js';

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({
    exec: 'simulate',
    jobGeneration: 3,
    config: { simulate: { durationMs: 60_000 } },
  });
});
afterAll(() => emu.close());

const ref = (jobId: number) => ({ ...AUTH, bk_biz_id: 1, job_instance_id: jobId });
const op = (jobId: number, operation_code: unknown) =>
  call(emu, 'operate_job_instance', { ...ref(jobId), operation_code });
const UNSUPPORTED = { result: false, code: 1241003, message: '不支持的操作', data: null };

async function statusOf(jobId: number): Promise<number> {
  return (await call(emu, 'get_job_instance_status', ref(jobId))).data.job_instance.status;
}

async function running(): Promise<number> {
  const a = await call(emu, 'fast_execute_script', scriptRequest('sleep 60'));
  for (let i = 0; i < 500 && (await statusOf(a.data.job_instance_id)) !== 2; i++)
    await new Promise((r) => setTimeout(r, 5));
  expect(await statusOf(a.data.job_instance_id)).toBe(2);
  return a.data.job_instance_id;
}

describe('JOB 3.x operate_job_instance', () => {
  it('terminates a running job; terminating (10) and finished (11) jobs get 1241003, a retry too', async () => {
    const id = await running();
    expect(await op(id, 1)).toMatchObject({ result: true, data: { job_instance_id: id } });
    expect(await statusOf(id)).toBe(10);
    // A retried terminate whose first answer was lost finds the job terminating: 1241003, not 1244015.
    expect(await op(id, 1)).toMatchObject(UNSUPPORTED);
    expect((await waitFinished(emu, id)).data.job_instance.status).toBe(11);
    expect(await op(id, 1)).toMatchObject(UNSUPPORTED);
  });

  it('a job not started yet (status 1) cannot be terminated; operation 2 starts it', async () => {
    emu.setFaults([{ call: 'fast_execute_script', kind: 'late_failure', times: 1 }]);
    const late = await call(
      emu,
      'fast_execute_script',
      scriptRequest('sleep 60', { task_name: 'saved-only' }),
    );
    expect(late).toMatchObject({ result: false, code: 1240002 });
    const job = emu.jobs().find((j) => j.name === 'saved-only')!;
    expect(job).toMatchObject({ status: 1, started: false });
    expect(await op(job.jobInstanceId, 1)).toMatchObject(UNSUPPORTED);
    expect(await op(job.jobInstanceId, 2)).toMatchObject({ result: true });
    for (let i = 0; i < 500 && (await statusOf(job.jobInstanceId)) !== 2; i++)
      await new Promise((r) => setTimeout(r, 5));
    expect(await statusOf(job.jobInstanceId)).toBe(2);
    expect(await op(job.jobInstanceId, 2)).toMatchObject({
      code: 1241015,
      message: `不支持的操作，请勿重复启动作业,job_instance_id=${job.jobInstanceId}`,
    });
    expect(await op(job.jobInstanceId, 1)).toMatchObject({ result: true });
  });

  it('a bad or missing operation_code or job_instance_id: 1241002', async () => {
    const id = await running();
    for (const code of [3, 0, undefined])
      expect(await op(id, code)).toMatchObject({ result: false, code: 1241002, message: '请求参数不合法' });
    const noId = await call(emu, 'operate_job_instance', { ...AUTH, bk_biz_id: 1, operation_code: 1 });
    expect(noId).toMatchObject({ code: 1241002 });
    expect(await op(id, 'stop')).toMatchObject({ code: 1240003, message: '错误的请求' });
    expect(await op(123456, 1)).toMatchObject({ code: 1244006 });
    expect(await op(id, 1)).toMatchObject({ result: true });
  });
});

describe('JOB 2.x mode keeps its reading of terminate', () => {
  it('a terminating job answers 1244015', async () => {
    const old = await startEmulator({ exec: 'simulate', config: { simulate: { durationMs: 60_000 } } });
    try {
      const a = await call(old, 'fast_execute_script', scriptRequest('sleep 60'));
      const r = { ...ref(a.data.job_instance_id), operation_code: 1 };
      expect(await call(old, 'operate_job_instance', r)).toMatchObject({ result: true });
      expect(await call(old, 'operate_job_instance', r)).toMatchObject({ result: false, code: 1244015 });
    } finally {
      await old.close();
    }
  });
});
