/**
 * Protocol scenarios of the JOB people run and of a hostile server: host identities that are paths,
 * control characters or odd values; contradictory status answers; late failures (1240002 …);
 * running-job quotas; a server that requires the scope fields. Named ones, and seeded random ones.
 */

import { isFinalJobStatus, JOB_STATUS } from '@runbook/core';
import type { Rng } from './campaign.js';
import { type Answer, GOOD, goodAnswer, json } from './esb-server.js';

export const SUBMIT = 'fast_execute_script';
export const STATUS = 'get_job_instance_status';
export const LOG = 'get_job_instance_log';
type Obj = Record<string, any>;

/** What a scenario's run must come to, besides the invariants every run keeps. */
export type Expect = 'success' | 'may-have-started' | 'detached' | 'refused' | 'no-failed-step';

/** A named misbehaviour: `answer` for `call`, `respond` (when given) for any call first. */
export interface Scenario {
  name: string;
  call: string;
  answer: (n: number) => Answer;
  respond?: (call: string, n: number, body: Record<string, unknown>) => Answer | undefined;
  expect?: Expect;
  /** The hostile host entries it sends (status and log), for the path checks. */
  hostile?: boolean;
}

const fail = (code: number, message: string): Answer => json({ result: false, code, message, data: null });
const statusWith = (edit: (o: Obj) => void): Answer => {
  const o = GOOD.status() as Obj;
  edit(o);
  return json(o);
};
const contradict = (finished: boolean, status: number) => (o: Obj) =>
  Object.assign(o.data, { is_finished: finished, job_instance: { ...o.data.job_instance, status } });

/** Host `ip` values a hostile server sends; `dir` is the campaign folder (absolute escapes aim there). */
export function hostileIps(dir: string): unknown[] {
  return [
    '../../x',
    '../../../outside',
    `../../../../../../../../../../../../tmp/runbook-protocol-escape-${process.pid}`,
    `${dir}/abs-escape`,
    '/etc/passwd',
    '10.0.0.1/../../../x',
    'a\u0000b',
    '\u0000',
    '\u001b[2J\u001b]0;pwned\u0007',
    '10.0.0.1\r\n',
    '\u202e1.0.0.01',
    'x'.repeat(100_000),
    '',
    ' ',
    '..',
    '.',
    'C:\\Windows\\x',
    'fe80::1%../../x',
    '10.0.0.256',
    '010.0.0.1',
    10,
    1e308,
    -1,
    null,
    true,
    {},
    ['10.0.0.1'],
  ];
}

export const HOSTILE_CLOUDS: unknown[] = [
  '0',
  '../x',
  -1,
  1.5,
  2 ** 64,
  1e308,
  2_147_483_648,
  Number.MAX_SAFE_INTEGER,
  null,
  'abc',
  true,
  [],
  {},
];

/** Status and log answers naming `hosts` (plus a good host first), the same in both. */
function hostAnswers(hosts: Array<{ ip: unknown; bk_cloud_id: unknown }>): Scenario['respond'] {
  const all = [{ ip: '10.0.0.1', bk_cloud_id: 0 }, ...hosts];
  return (call) => {
    if (call === STATUS) {
      return statusWith((o) => {
        o.data.blocks[0].step_instances[0].step_ip_status = all.map((h) => ({ ...h, status: 9 }));
      });
    }
    if (call === LOG) {
      const o = GOOD.log() as Obj;
      o.data[0].step_results[0].ip_logs = all.map((h, i) => ({
        ...h,
        exit_code: 0,
        error_code: 0,
        log_content: `output of host ${i}\n`,
      }));
      return json(o);
    }
    return undefined;
  };
}

/** A server that answers 1240003 "Invalid bk_scope_type" unless the body names the scope right. */
function scopeRequired(expectType?: string): Scenario['respond'] {
  return (call, _n, body) => {
    const id = Number(body.bk_scope_id);
    const type = body.bk_scope_type;
    const right = expectType ?? (id >= 8_000_000 && id <= 9_999_999 ? 'biz_set' : 'biz');
    if (type !== right || !Number.isInteger(id) || id !== body.bk_biz_id)
      return fail(1240003, 'Invalid bk_scope_type');
    return goodAnswer(call);
  };
}

export function job3Scenarios(dir: string): Scenario[] {
  const out: Scenario[] = [];
  const s = (sc: Scenario) => out.push(sc);
  for (const code of [1240002, 1252001, 1255001]) {
    s({
      name: `late failure ${code}`,
      call: SUBMIT,
      answer: () => fail(code, 'Internal Server Error'),
      expect: 'may-have-started',
    });
  }
  for (const code of [1244032, 1244033, 1244034]) {
    for (const times of [1, 3]) {
      s({
        name: `quota ${code} ${times} time(s), then accepted`,
        call: SUBMIT,
        answer: (n) => (n <= times ? fail(code, '当前执行的作业总量超过配额限制') : goodAnswer(SUBMIT)),
        expect: 'success',
      });
    }
  }
  s({
    name: 'quota full until the wait is over',
    call: SUBMIT,
    answer: () => fail(1244034, 'system quota'),
    expect: 'refused',
  });
  s({
    name: 'read answered 1240002 once',
    call: STATUS,
    answer: (n) => (n === 1 ? fail(1240002, 'Internal Server Error') : goodAnswer(STATUS)),
    expect: 'success',
  });
  s({
    name: 'scope required (bkBizIdCompatible off)',
    call: SUBMIT,
    answer: () => goodAnswer(SUBMIT),
    respond: scopeRequired(),
    expect: 'success',
  });
  s({
    name: 'scope required, a type the runbook does not have',
    call: SUBMIT,
    answer: () => goodAnswer(SUBMIT),
    respond: scopeRequired('biz_set'),
    expect: 'refused',
  });
  for (const [finished, status] of [
    [true, 2],
    [true, 1],
    [true, 7],
    [true, 10],
    [true, 15],
    [false, 3],
    [false, 4],
    [false, 11],
  ] as const) {
    s({
      name: `contradiction: is_finished ${finished} with status ${status}, three times, then consistent`,
      call: STATUS,
      answer: (n) => (n <= 3 ? statusWith(contradict(finished, status)) : goodAnswer(STATUS)),
      expect: 'success',
    });
    s({
      name: `contradiction: is_finished ${finished} with status ${status}, forever`,
      call: STATUS,
      answer: () => statusWith(contradict(finished, status)),
      expect: 'detached',
    });
  }
  s({
    name: 'contradiction: flip-flopping between finished/running and unfinished/succeeded',
    call: STATUS,
    answer: (n) => statusWith(n % 2 ? contradict(true, 2) : contradict(false, 3)),
    expect: 'detached',
  });
  const ips = hostileIps(dir);
  for (const [i, ip] of ips.entries()) {
    s({
      name: `hostile host ip #${i}`,
      call: STATUS,
      answer: () => goodAnswer(STATUS),
      respond: hostAnswers([{ ip, bk_cloud_id: 0 }]),
      hostile: true,
      expect: 'success',
    });
  }
  for (const [i, bk_cloud_id] of HOSTILE_CLOUDS.entries()) {
    s({
      name: `hostile cloud id #${i}`,
      call: STATUS,
      answer: () => goodAnswer(STATUS),
      respond: hostAnswers([{ ip: '10.0.0.2', bk_cloud_id }]),
      hostile: true,
      expect: 'success',
    });
  }
  s({
    name: 'every hostile host at once',
    call: LOG,
    answer: () => goodAnswer(LOG),
    respond: hostAnswers(
      ips.map((ip, i) => ({ ip, bk_cloud_id: HOSTILE_CLOUDS[i % HOSTILE_CLOUDS.length] })),
    ),
    hostile: true,
    expect: 'success',
  });
  return out;
}

/** A seeded random JOB 3.x or hostile scenario. */
export function randomJob3Scenario(rng: Rng, dir: string): Scenario {
  const kind = rng.int(0, 3);
  if (kind === 0) {
    const hosts = Array.from({ length: rng.int(1, 5) }, () => ({
      ip: rng.chance(0.7) ? rng.pick(hostileIps(dir)) : `10.0.${rng.int(0, 255)}.${rng.int(1, 254)}`,
      bk_cloud_id: rng.chance(0.5) ? rng.pick(HOSTILE_CLOUDS) : rng.int(0, 3),
    }));
    const where = rng.pick([STATUS, LOG, 'both']);
    const respond = hostAnswers(hosts)!;
    return {
      name: `random hostile hosts in ${where}: ${JSON.stringify(hosts).slice(0, 120)}`,
      call: where === LOG ? LOG : STATUS,
      answer: () => goodAnswer(where === LOG ? LOG : STATUS),
      respond: (call, n, body) => (where === 'both' || call === where ? respond(call, n, body) : undefined),
      hostile: true,
      expect: 'success',
    };
  }
  if (kind === 1) {
    const finished = rng.chance(0.5);
    const status = rng.pick([0, -1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 42]);
    const times = rng.chance(0.3) ? Number.POSITIVE_INFINITY : rng.int(1, 4);
    return {
      name: `random status: is_finished ${finished} with status ${status}, ${times} time(s)`,
      call: STATUS,
      answer: (n) => (n <= times ? statusWith(contradict(finished, status)) : goodAnswer(STATUS)),
      ...expectOfStatus(finished, status, times),
    };
  }
  if (kind === 2) {
    const code = rng.pick([1244032, 1244033, 1244034]);
    const times = rng.int(1, 6);
    return {
      name: `random quota ${code} ${times} time(s)`,
      call: SUBMIT,
      answer: (n) => (n <= times ? fail(code, 'quota') : goodAnswer(SUBMIT)),
    };
  }
  const code = rng.pick([1240002, 1252001, 1255001]);
  const call = rng.pick([SUBMIT, STATUS, LOG]);
  const times = rng.int(1, 2);
  return {
    name: `random ${code} on ${call}, ${times} time(s)`,
    call,
    answer: (n) => (n <= times ? fail(code, 'Internal Server Error') : goodAnswer(call)),
    ...(call === SUBMIT ? { expect: 'may-have-started' as const } : {}),
  };
}

/**
 * What a run must come to when the status answers `times` times with this flag and status, then
 * well: a consistent final answer decides the step (failed or not) at once; an unknown status that
 * says finished, or any other answer forever, leaves the step detached; else it succeeds.
 */
function expectOfStatus(finished: boolean, status: number, times: number): { expect?: Expect } {
  if (finished && isFinalJobStatus(status)) return {};
  if (finished && !(status in JOB_STATUS)) return { expect: 'detached' };
  return { expect: times === Number.POSITIVE_INFINITY ? 'detached' : 'success' };
}

/** Whether an answer is a running-job quota refusal (it created nothing: submitting again is safe). */
export function isQuotaAnswer(a: Answer): boolean {
  if ('reset' in a) return false;
  try {
    const code = JSON.parse(a.body.toString())?.code;
    return code === 1244032 || code === 1244033 || code === 1244034;
  } catch {
    return false;
  }
}
