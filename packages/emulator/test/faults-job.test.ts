import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_CLOUDS, HOSTILE_IPS } from '../src/calls/hostile.js';
import { type Emulator, startEmulator } from '../src/index.js';
import { AUTH, call, scriptRequest, waitFinished } from './helpers.js';

let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({ exec: 'simulate', config: { simulate: { durationMs: 5 } } });
});
afterAll(() => emu.close());

const ref = (jobId: number) => ({ ...AUTH, bk_biz_id: 1, job_instance_id: jobId });
const hosts = (n: number) => Array.from({ length: n }, (_, i) => ({ bk_cloud_id: 0, ip: `10.0.0.${i + 1}` }));

describe('late_failure: saved, then HTTP 200 result:false 1240002', () => {
  it('the job is saved and never started; the answer carries no job id', async () => {
    emu.setFaults([{ kind: 'late_failure', times: 1 }]);
    const res = await fetch(`${emu.url}/api/c/compapi/v2/job/fast_execute_script/`, {
      method: 'POST',
      body: JSON.stringify(scriptRequest('true', { task_name: 'late-1' })),
    });
    expect(res.status).toBe(200);
    const a = (await res.json()) as any;
    expect(a).toMatchObject({ result: false, code: 1240002, message: '内部服务器异常', data: null });
    const job = emu.jobs().find((j) => j.name === 'late-1')!;
    expect(job).toMatchObject({ status: 1, started: false });
    const s = await call(emu, 'get_job_instance_status', ref(job.jobInstanceId));
    expect(s.data).toMatchObject({ is_finished: false, job_instance: { status: 1, start_time: null } });
    expect(s.data.blocks[0].step_instances[0].step_ip_status[0].status).toBe(5);
    // The rule is used up: the next submit is an ordinary one.
    expect((await call(emu, 'fast_execute_script', scriptRequest('true'))).result).toBe(true);
  });

  it('started: true saves and starts the job before failing the answer', async () => {
    emu.setFaults([{ kind: 'late_failure', started: true, times: 1 }]);
    const a = await call(emu, 'fast_execute_script', scriptRequest('true', { task_name: 'late-2' }));
    expect(a.code).toBe(1240002);
    const job = emu.jobs().find((j) => j.name === 'late-2')!;
    expect(job.started).toBe(true);
    expect((await waitFinished(emu, job.jobInstanceId)).data.job_instance.status).toBe(3);
  });

  it('a request refused before saving is refused as usual, and the rule stays for the next one', async () => {
    emu.setFaults([{ kind: 'late_failure', times: 1 }]);
    const before = emu.faultsInjected().late_failure ?? 0;
    const bad = await call(emu, 'fast_execute_script', scriptRequest('true', { script_type: 9 }));
    expect(bad.code).toBe(1241005);
    expect(emu.faultsInjected().late_failure ?? 0).toBe(before);
    const next = await call(emu, 'fast_execute_script', scriptRequest('true', { task_name: 'late-3' }));
    expect(next.code).toBe(1240002);
    expect(emu.faultsInjected().late_failure).toBe(before + 1);
  });

  it('terminating a job that never started ends it at once (JOB 2.x mode)', async () => {
    emu.setFaults([{ kind: 'late_failure', times: 1 }]);
    await call(emu, 'fast_execute_script', scriptRequest('true', { task_name: 'late-4' }));
    const job = emu.jobs().find((j) => j.name === 'late-4')!;
    expect(
      await call(emu, 'operate_job_instance', { ...ref(job.jobInstanceId), operation_code: 1 }),
    ).toMatchObject({
      result: true,
    });
    const s = await waitFinished(emu, job.jobInstanceId);
    expect(s.data.job_instance.status).toBe(11);
    expect(s.data.blocks[0].step_instances[0].step_ip_status[0].status).toBe(403);
  });
});

describe('quota: JOB’s running-job quotas, nothing saved', () => {
  it.each([
    [undefined, 1244032, '当前执行的作业总量超过业务配额限制'],
    [1244033, 1244033, '当前执行的作业总量超过应用配额限制'],
    [1244034, 1244034, '当前执行的作业总量超过系统配额限制'],
  ])('code %s → %s', async (code, expected, message) => {
    emu.setFaults([{ kind: 'quota', times: 1, ...(code ? { code } : {}) }]);
    const before = emu.jobs().length;
    const a = await call(emu, 'fast_execute_script', scriptRequest('true'));
    expect(a).toMatchObject({ result: false, code: expected, message, data: null });
    expect(emu.jobs()).toHaveLength(before);
    expect((await call(emu, 'fast_execute_script', scriptRequest('true'))).result).toBe(true);
  });

  it('only fast_execute_script draws it; bad codes are refused', async () => {
    emu.setFaults([{ kind: 'quota' }]);
    expect((await call(emu, 'get_job_instance_status', ref(1))).code).toBe(1244006);
    expect(() => emu.setFaults([{ kind: 'quota', code: 1244031 }])).toThrow(/code/);
  });
});

describe('contradict: is_finished says the opposite of the status', () => {
  it('a finished job answered unfinished, a running one finished', async () => {
    emu.setFaults([]);
    const done = await call(emu, 'fast_execute_script', scriptRequest('true'));
    await waitFinished(emu, done.data.job_instance_id);
    const slow = await startEmulator({ exec: 'simulate', config: { simulate: { durationMs: 60_000 } } });
    try {
      emu.setFaults([{ kind: 'contradict', times: 1 }]);
      const a = await call(emu, 'get_job_instance_status', ref(done.data.job_instance_id));
      expect(a.data).toMatchObject({ is_finished: false, job_instance: { status: 3 } });
      expect(
        (await call(emu, 'get_job_instance_status', ref(done.data.job_instance_id))).data.is_finished,
      ).toBe(true);

      const run = await call(slow, 'fast_execute_script', scriptRequest('sleep 60'));
      let s: any;
      for (let i = 0; i < 500; i++) {
        s = await call(slow, 'get_job_instance_status', ref(run.data.job_instance_id));
        if (s.data.job_instance.status === 2) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      slow.setFaults([{ kind: 'contradict', times: 1 }]);
      const b = await call(slow, 'get_job_instance_status', ref(run.data.job_instance_id));
      expect(b.data).toMatchObject({ is_finished: true, job_instance: { status: 2 } });
    } finally {
      await slow.close();
    }
  });
});

describe('hostile_hosts: status and log answers with dangerous host fields', () => {
  const fieldsOf = async (e: Emulator, jobId: number) => {
    const s = await call(e, 'get_job_instance_status', ref(jobId));
    const l = await call(e, 'get_job_instance_log', ref(jobId));
    return {
      status: s.data.blocks[0].step_instances[0].step_ip_status.map((h: any) => [h.ip, h.bk_cloud_id]),
      log: l.data[0].step_results.flatMap((g: any) => g.ip_logs.map((h: any) => [h.ip, h.bk_cloud_id])),
    };
  };

  it('carry the catalogue’s values, the same for the same seed', async () => {
    const run = async () => {
      const e = await startEmulator({ exec: 'simulate', seed: 9, config: { simulate: { durationMs: 5 } } });
      try {
        const a = await call(e, 'fast_execute_script', scriptRequest('true', { ip_list: hosts(20) }));
        await waitFinished(e, a.data.job_instance_id);
        e.setFaults([{ kind: 'hostile_hosts' }]);
        const got = await fieldsOf(e, a.data.job_instance_id);
        expect(e.faultsInjected().hostile_hosts).toBe(2);
        return got;
      } finally {
        await e.close();
      }
    };
    const first = await run();
    expect(await run()).toEqual(first);
    for (const list of [first.status, first.log]) {
      expect(list).toHaveLength(20);
      for (const [ip, cloud] of list.slice(0, 16)) {
        expect(HOSTILE_IPS).toContainEqual(ip);
        expect(HOSTILE_CLOUDS).toContainEqual(cloud);
      }
      expect(list.slice(16)).toEqual(
        hosts(20)
          .slice(16)
          .map((h) => [h.ip, 0]),
      );
    }
    const all = JSON.stringify(first);
    expect(all).toMatch(/\.\.\/\.\.\/|\\u001b|x{1000}/);
  });

  it('not drawn by fast_execute_script or terminate', async () => {
    const before = emu.faultsInjected().hostile_hosts ?? 0;
    emu.setFaults([{ kind: 'hostile_hosts' }]);
    const a = await call(emu, 'fast_execute_script', scriptRequest('true'));
    expect(a.result).toBe(true);
    await call(emu, 'operate_job_instance', { ...ref(a.data.job_instance_id), operation_code: 1 });
    expect(emu.faultsInjected().hostile_hosts ?? 0).toBe(before);
    emu.setFaults([]);
  });
});

describe('the fault counter', () => {
  it('counts injections by kind, through the API and GET /__emulator/faults', async () => {
    const e = await startEmulator({ exec: 'simulate', config: { simulate: { durationMs: 5 } } });
    try {
      e.setFaults([
        { call: 'get_job_instance_status', kind: 'latency', ms: 1, times: 2 },
        { call: 'get_job_instance_status', kind: 'rate_limit', times: 1 },
        { kind: 'quota', times: 1 },
      ]);
      await call(e, 'get_job_instance_status', ref(1));
      await call(e, 'get_job_instance_status', ref(1));
      await call(e, 'fast_execute_script', scriptRequest('true'));
      const expected = { latency: 2, rate_limit: 1, quota: 1 };
      expect(e.faultsInjected()).toEqual(expected);
      e.setFaults([]);
      const res = await fetch(`${e.url}/__emulator/faults`);
      expect(await res.json()).toEqual({ injected: expected });
    } finally {
      await e.close();
    }
  });
});
