import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../src/index.js';
import { AUTH, call, scriptRequest, waitFinished } from './helpers.js';

let required: Emulator;
let compat: Emulator;

const businesses = {
  '2': { hosts: [{ ip: '10.0.0.1' }] },
  '8000001': { hosts: [{ ip: '10.0.0.1' }] },
  // A CMDB business set whose id is outside the range, and a business inside it.
  '5': { type: 'biz_set' as const, hosts: [{ ip: '10.0.0.1' }] },
  '8000002': { type: 'biz' as const, hosts: [{ ip: '10.0.0.1' }] },
};

beforeAll(async () => {
  required = await startEmulator({
    exec: 'simulate',
    config: { job: { generation: 3, bizIdCompatible: false }, businesses, simulate: { durationMs: 5 } },
  });
  compat = await startEmulator({
    exec: 'simulate',
    jobGeneration: 3,
    config: { businesses, simulate: { durationMs: 5 } },
  });
});
afterAll(async () => {
  await required.close();
  await compat.close();
});

const scope = (type: string, id: string) => ({ bk_scope_type: type, bk_scope_id: id });
const submitBody = (fields: Record<string, unknown>) =>
  scriptRequest('true', { bk_biz_id: undefined, ...fields });

async function get(emu: Emulator, name: string, query: Record<string, string>) {
  const q = new URLSearchParams({ ...AUTH, ...query });
  const res = await fetch(`${emu.url}/api/c/compapi/v2/job/${name}/?${q}`);
  expect(res.status).toBe(200);
  return (await res.json()) as any;
}

describe('JOB 3.x with bkBizIdCompatible off: every call needs bk_scope_type + bk_scope_id', () => {
  it('bk_biz_id alone is refused on submit, status, log and terminate (POST body and GET query)', async () => {
    const ok = await call(required, 'fast_execute_script', submitBody(scope('biz', '2')));
    expect(ok).toMatchObject({ result: true, code: 0 });
    const jobId = ok.data.job_instance_id;
    const refused = { result: false, code: 1240003, message: '非法的资源范围 ID', data: null };
    expect(await call(required, 'fast_execute_script', submitBody({ bk_biz_id: 2 }))).toMatchObject(refused);
    for (const name of ['get_job_instance_status', 'get_job_instance_log', 'operate_job_instance']) {
      const a = await call(required, name, {
        ...AUTH,
        bk_biz_id: 2,
        job_instance_id: jobId,
        operation_code: 1,
      });
      expect(a).toMatchObject(refused);
    }
    for (const name of ['get_job_instance_status', 'get_job_instance_log']) {
      expect(await get(required, name, { bk_biz_id: '2', job_instance_id: String(jobId) })).toMatchObject(
        refused,
      );
      const a = await get(required, name, { ...scope('biz', '2'), job_instance_id: String(jobId) });
      expect(a).toMatchObject({ result: true, code: 0 });
    }
    expect(required.jobs()).toHaveLength(1);
  });

  it('the scope works on every call, in the body and in the query', async () => {
    const a = await call(required, 'fast_execute_script', submitBody(scope('biz', '2')));
    const ref = { ...AUTH, ...scope('biz', '2'), job_instance_id: a.data.job_instance_id };
    const status = await call(required, 'get_job_instance_status', ref);
    expect(status.data.job_instance).toMatchObject({ bk_biz_id: 2, bk_scope_type: 'biz', bk_scope_id: '2' });
    expect(await call(required, 'get_job_instance_log', ref)).toMatchObject({ result: true });
    const viaGet = await get(required, 'get_job_instance_status', {
      ...scope('biz', '2'),
      job_instance_id: String(a.data.job_instance_id),
    });
    expect(viaGet.data.job_instance.job_instance_id).toBe(a.data.job_instance_id);
  });

  it.each([
    ['nothing at all', {}, '非法的资源范围类型'],
    ['an unknown type', scope('tenant', '2'), '非法的资源范围类型'],
    ['a type without an id', { bk_scope_type: 'biz' }, '非法的资源范围 ID'],
    ['an id without a type', { bk_scope_id: '2' }, '非法的资源范围类型'],
    ['a blank id', scope('biz', '  '), '非法的资源范围 ID'],
  ])('%s: 1240003 with JOB’s message', async (_what, fields, message) => {
    const a = await call(required, 'fast_execute_script', submitBody(fields));
    expect(a).toMatchObject({ result: false, code: 1240003, message });
  });

  it('an unknown business or set: 1243049; ids 8000000–9999999 are sets', async () => {
    const gone = { result: false, code: 1243049, message: '业务/业务集不存在或已被归档' };
    expect(await call(required, 'fast_execute_script', submitBody(scope('biz', '3')))).toMatchObject(gone);
    expect(await call(required, 'fast_execute_script', submitBody(scope('biz', '8000001')))).toMatchObject(
      gone,
    );
    expect(await call(required, 'fast_execute_script', submitBody(scope('biz_set', '2')))).toMatchObject(
      gone,
    );
    const set = await call(required, 'fast_execute_script', submitBody(scope('biz_set', '8000001')));
    expect(set.result).toBe(true);
    expect(required.jobs().find((j) => j.jobInstanceId === set.data.job_instance_id)).toMatchObject({
      bizId: 8000001,
      scopeType: 'biz_set',
    });
  });
});

describe('a configured business says its type: JOB decides by the scope type, not by the id', () => {
  it('biz_set 5 (type: biz_set) works on submit, status and log; biz 5 is another, unknown scope', async () => {
    const gone = { result: false, code: 1243049 };
    const a = await call(required, 'fast_execute_script', submitBody(scope('biz_set', '5')));
    expect(a.result).toBe(true);
    const ref = { ...AUTH, ...scope('biz_set', '5'), job_instance_id: a.data.job_instance_id };
    const status = await call(required, 'get_job_instance_status', ref);
    expect(status.data.job_instance).toMatchObject({ bk_scope_type: 'biz_set', bk_scope_id: '5' });
    expect(await call(required, 'get_job_instance_log', ref)).toMatchObject({ result: true });
    expect(await call(required, 'fast_execute_script', submitBody(scope('biz', '5')))).toMatchObject(gone);
    // bk_biz_id alone names the business 5, which is not configured.
    expect(await call(compat, 'fast_execute_script', submitBody({ bk_biz_id: 5 }))).toMatchObject(gone);
  });

  it('biz 8000002 (type: biz) is a business although its id is in the set range', async () => {
    const a = await call(required, 'fast_execute_script', submitBody(scope('biz', '8000002')));
    expect(a.result).toBe(true);
    expect(
      await call(required, 'fast_execute_script', submitBody(scope('biz_set', '8000002'))),
    ).toMatchObject({ result: false, code: 1243049 });
  });
});

describe('JOB 3.x with bkBizIdCompatible on (the default)', () => {
  it('bk_biz_id alone works; in 8000000–9999999 it is a business set', async () => {
    const a = await call(compat, 'fast_execute_script', submitBody({ bk_biz_id: 2 }));
    expect(a.result).toBe(true);
    const s = await waitFinished(compat, a.data.job_instance_id, 2);
    expect(s.data.job_instance).toMatchObject({ bk_scope_type: 'biz', bk_scope_id: '2' });

    const set = await call(compat, 'fast_execute_script', submitBody({ bk_biz_id: 8000001 }));
    expect(set.result).toBe(true);
    const ref = { ...AUTH, job_instance_id: set.data.job_instance_id };
    const bySet = await call(compat, 'get_job_instance_status', { ...ref, ...scope('biz_set', '8000001') });
    expect(bySet.data.job_instance).toMatchObject({ bk_scope_type: 'biz_set', bk_scope_id: '8000001' });
    const byBizId = await call(compat, 'get_job_instance_status', { ...ref, bk_biz_id: 8000001 });
    expect(byBizId.result).toBe(true);
    // The same number as a business is another scope, and no business here: 1243049.
    const byBiz = await call(compat, 'get_job_instance_status', { ...ref, ...scope('biz', '8000001') });
    expect(byBiz).toMatchObject({ result: false, code: 1243049 });
  });

  it('scope fields win over bk_biz_id when both are given (JOB does not compare them)', async () => {
    const a = await call(
      compat,
      'fast_execute_script',
      submitBody({ bk_biz_id: 8000001, ...scope('biz', '2') }),
    );
    expect(a.result).toBe(true);
    expect(compat.jobs().find((j) => j.jobInstanceId === a.data.job_instance_id)).toMatchObject({
      bizId: 2,
      scopeType: 'biz',
    });
    const ref = { ...AUTH, job_instance_id: a.data.job_instance_id };
    expect((await call(compat, 'get_job_instance_status', { ...ref, bk_biz_id: 2 })).result).toBe(true);
    const other = await call(compat, 'get_job_instance_status', {
      ...ref,
      bk_biz_id: 2,
      ...scope('biz_set', '8000001'),
    });
    expect(other).toMatchObject({ result: false, code: 1244006 });
  });

  it.each([
    ['no business at all', {}, '非法的资源范围类型'],
    ['bk_biz_id 0', { bk_biz_id: 0 }, '非法的业务 ID'],
    ['bk_biz_id not a number', { bk_biz_id: 'two' }, '错误的请求'],
  ])('%s: 1240003 with JOB’s message', async (_what, fields, message) => {
    const a = await call(compat, 'fast_execute_script', submitBody(fields));
    expect(a).toMatchObject({ result: false, code: 1240003, message });
  });
});

describe('JOB 2.x mode ignores the scope fields', () => {
  it('bk_biz_id is required as before and the scope fields change nothing', async () => {
    const old = await startEmulator({
      exec: 'simulate',
      config: { businesses, simulate: { durationMs: 5 } },
    });
    try {
      const a = await call(
        old,
        'fast_execute_script',
        submitBody({ bk_biz_id: 2, ...scope('biz_set', '8000001') }),
      );
      expect(a.result).toBe(true);
      expect(old.jobs()[0]).toMatchObject({ bizId: 2, scopeType: 'biz' });
      const b = await call(old, 'fast_execute_script', submitBody(scope('biz', '2')));
      expect(b).toMatchObject({ result: false, code: 1241004, message: '请求参数[bk_biz_id]缺失' });
    } finally {
      await old.close();
    }
  });

  it('bizIdCompatible: false needs generation 3', async () => {
    await expect(startEmulator({ config: { job: { bizIdCompatible: false } } })).rejects.toMatchObject({
      code: 'EMULATOR_OPTIONS_INVALID',
    });
  });
});
