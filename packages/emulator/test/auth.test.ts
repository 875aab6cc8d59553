import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../src/index.js';
import { AUTH, call, fixture, scriptRequest, shapeOf } from './helpers.js';

const CANARY = 'canary-secret-9f8e7d';
let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({
    config: {
      apps: { app: 'right-secret' },
      users: {
        admin: { permissions: 'all' },
        alice: { token: 'alice-token', permissions: ['quick_execute_script', 'use_account'] },
        bob: { token: 'bob-token', permissions: [] },
      },
    },
  });
});
afterAll(() => emu.close());

const status = (auth: Record<string, unknown>, headers?: Record<string, string>) =>
  call(emu, 'get_job_instance_status', { ...auth, bk_biz_id: 1, job_instance_id: 1 }, headers);

describe('authentication (ESB): HTTP 200, code 1306000, the server’s own messages', () => {
  it('a wrong secret, never echoed', async () => {
    const a = await status({ ...AUTH, bk_app_secret: CANARY });
    expect(a).toEqual(fixtureLike(fixture('error.auth.answer.json'), a, 'app'));
    expect(JSON.stringify(a)).not.toContain(CANARY);
  });

  it('an unknown app code', async () => {
    const a = await status({ ...AUTH, bk_app_code: 'other' });
    expect(a.message).toContain('[bk_app_code=other]');
  });

  it('no app code', async () => {
    const a = await status({ bk_app_secret: 'right-secret', bk_username: 'admin' });
    expect(a).toMatchObject({
      result: false,
      code: 1306000,
      message: 'APP Code [bk_app_code] cannot be empty',
    });
  });

  it('no user', async () => {
    const a = await status({ bk_app_code: 'app', bk_app_secret: 'right-secret' });
    expect(a).toMatchObject({
      result: false,
      code: 1306000,
      message:
        'User authentication failed, please provide a valid user identity, such as bk_token, bk_username',
    });
  });

  it('an unknown user or token', async () => {
    expect((await status({ ...AUTH, bk_username: 'mallory' })).message).toContain(
      'User authentication failed',
    );
    const t = await status({ bk_app_code: 'app', bk_app_secret: 'right-secret', bk_token: 'forged' });
    expect(t.message).toContain('User authentication failed');
  });

  it('a token identifies its user', async () => {
    const a = await call(
      emu,
      'fast_execute_script',
      scriptRequest('true', { bk_username: undefined, bk_token: 'alice-token' }),
    );
    expect(a.result).toBe(true);
    const job = emu.jobs().find((j) => j.jobInstanceId === a.data.job_instance_id)!;
    expect(JSON.stringify(job.request)).not.toContain('alice-token');
    const s = await call(emu, 'get_job_instance_status', {
      ...AUTH,
      bk_biz_id: 1,
      job_instance_id: a.data.job_instance_id,
    });
    expect(s.data.job_instance.operator).toBe('alice');
  });

  it('the X-Bkapi-Authorization header wins over the body', async () => {
    const header = JSON.stringify(AUTH);
    const ok = await status({ ...AUTH, bk_app_secret: 'wrong' }, { 'X-Bkapi-Authorization': header });
    expect(ok.code).toBe(1244006);
    const bad = await status(AUTH, {
      'X-Bkapi-Authorization': JSON.stringify({ ...AUTH, bk_app_secret: 'x' }),
    });
    expect(bad.code).toBe(1306000);
    const broken = await status(AUTH, { 'X-Bkapi-Authorization': '{nope' });
    expect(broken.code).toBe(1306000);
  });

  it('a user without quick_execute_script gets 9900403 with the permission block', async () => {
    const a = await call(emu, 'fast_execute_script', scriptRequest('true', { bk_username: 'bob' }));
    expect(a).toMatchObject({ result: false, code: 9900403, data: null });
    expect(a.message).toBe('用户(bob)权限不足，请前往权限中心确认并申请补充后重试');
    const expected = fixture('error.permission.answer.json');
    expect(shapeOf(a.permission)).toEqual(shapeOf(expected.permission));
    expect(a.permission.actions.map((x: any) => x.id)).toEqual(['quick_execute_script', 'use_account']);
    expect(a.permission.actions[0].related_resource_types[0].instances).toEqual([
      [{ id: '10.0.0.1', type: 'host', type_name: '主机', name: '10.0.0.1' }],
    ]);
    expect(emu.jobs().some((j) => j.request.bk_username === 'bob')).toBe(false);
  });
});

/** The fixture with this answer's request_id and app code, to compare everything else exactly. */
function fixtureLike(f: any, a: any, appCode: string) {
  return {
    ...f,
    request_id: a.request_id,
    message: f.message.replace('bk_app_code=esb_test', `bk_app_code=${appCode}`),
  };
}
