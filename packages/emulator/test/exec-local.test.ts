import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPath } from '../src/exec/interpreters.js';
import { type Emulator, startEmulator } from '../src/index.js';
import {
  AUTH,
  b64,
  scriptRequest as baseRequest,
  call,
  onlyHost,
  runScript,
  waitFinished,
} from './helpers.js';

let emu: Emulator;
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'emu-test-'));
  emu = await startEmulator({
    config: {
      apps: { app: 'right-secret' },
      businesses: {
        '1': {
          hosts: [
            { ip: '10.0.0.1' },
            { ip: '10.0.0.2' },
            { ip: '10.0.0.3' },
            { ip: '10.0.0.4' },
            { ip: '10.0.0.5', agent: 'offline' },
            { ip: '10.0.0.6', agent: 'not_installed' },
            { ip: '10.0.0.7', accounts: ['nginx'] },
          ],
        },
      },
    },
    parallelism: 2,
    logLimitBytes: 64 * 1024,
    // script_timeout is seconds (60..86400); scaled so 60 s lasts 300 ms here.
    timeoutScale: 0.005,
    terminateGraceMs: 1000,
  });
});
afterAll(async () => {
  await emu.close();
  await rm(scratch, { recursive: true, force: true });
});

/** Requests with a 6000 s timeout, which timeoutScale makes 30 s: never hit by a healthy script. */
const scriptRequest = (script: string, extra: Record<string, unknown> = {}, n = 1) =>
  baseRequest(script, { script_timeout: 6000, ...extra }, n);

const one = (ip: string) => ({ ip_list: [{ bk_cloud_id: 0, ip }] });

describe('exec: local runs real processes', () => {
  it('success: status 9, exit 0, output with the decoded parameter; job 3', async () => {
    const r = await runScript(emu, scriptRequest('echo "got $1"', { script_param: b64('hello') }));
    expect(r.status.data.job_instance.status).toBe(3);
    const h = onlyHost(r.log);
    expect(h).toMatchObject({ ip_status: 9, exit_code: 0, error_code: 0, tag: '' });
    expect(h.log_content).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\]\[PID:\d+\] job_start\ngot hello\n$/);
  });

  it('the log call shows output while the script runs (status 7, error_code 115)', async () => {
    const submit = await call(
      emu,
      'fast_execute_script',
      scriptRequest('echo first; sleep 0.5; echo second'),
    );
    const ref = { ...AUTH, bk_biz_id: 1, job_instance_id: submit.data.job_instance_id };
    let running: any;
    for (let i = 0; i < 500 && !running; i++) {
      const l = await call(emu, 'get_job_instance_log', ref);
      const g = l.data[0].step_results[0];
      if (g.ip_status === 7 && g.ip_logs[0].log_content.includes('first')) running = { ...l.data[0], g };
      else await new Promise((r) => setTimeout(r, 10));
    }
    expect(running).toMatchObject({ is_finished: false, status: 2 });
    expect(running.g.ip_logs[0]).toMatchObject({ error_code: 115, end_time: null });
    expect(running.g.ip_logs[0].log_content).not.toContain('second');
    await waitFinished(emu, ref.job_instance_id);
  });

  it('parameters are split like a shell does, quotes respected, nothing expanded', async () => {
    const params = `one 'two words' "three \\"q\\" $HOME" four\\ five`;
    const r = await runScript(
      emu,
      scriptRequest('for a in "$@"; do echo "[$a]"; done', { script_param: b64(params) }),
    );
    expect(onlyHost(r.log).log_content).toContain('[one]\n[two words]\n[three "q" $HOME]\n[four five]\n');
  });

  it('each host runs in a folder of its own; the script is written once; nothing is left after the job', async () => {
    const r = await runScript(
      emu,
      scriptRequest(
        'echo "home=$HOME"; echo "script=$0"; touch "$HOME/mine"; ls "$HOME"; ls -ld "$PWD" | cut -c1-10',
        {},
        3,
      ),
    );
    const logs = (r.log.data[0].step_results as Array<{ ip_logs: Array<{ log_content: string }> }>).flatMap(
      (g) => g.ip_logs.map((l) => l.log_content),
    );
    expect(logs).toHaveLength(3);
    const homes = new Set(logs.map((l) => /home=(.*)/.exec(l)?.[1]));
    const scripts = new Set(logs.map((l) => /script=(.*)/.exec(l)?.[1]));
    expect(homes.size).toBe(3);
    expect(scripts.size).toBe(1);
    const script = [...scripts][0] ?? '';
    expect(script).toMatch(/\/script\.sh$/);
    for (const home of homes) expect(script.startsWith(`${home}/`)).toBe(false);
    // Each host sees only its own file, in a folder only its owner may enter.
    for (const l of logs) expect(l).toMatch(/\nmine\ndrwx------\n/);
    const jobDir = script.slice(0, script.lastIndexOf('/'));
    let gone = false;
    for (let i = 0; i < 200 && !gone; i++) {
      gone = await readFile(script).then(
        () => false,
        () => true,
      );
      if (!gone) await new Promise((res) => setTimeout(res, 10));
    }
    expect(gone).toBe(true);
    expect(jobDir).toContain('runbook-emu-');
  });

  it('stdout and stderr are captured in order', async () => {
    const r = await runScript(emu, scriptRequest('echo out1; echo err1 >&2; echo out2; echo err2 >&2'));
    expect(onlyHost(r.log).log_content).toContain('out1\nerr1\nout2\nerr2\n');
  });

  it('perl and python run with their interpreters', async () => {
    const perl = await runScript(
      emu,
      scriptRequest('print "p1\\n"; print STDERR "p2\\n"; print "p3 $ARGV[0]\\n";', {
        script_type: 3,
        script_param: b64('x'),
      }),
    );
    expect(onlyHost(perl.log).log_content).toContain('p1\np2\np3 x\n');
    const py = await runScript(
      emu,
      scriptRequest('import sys\nprint("y1")\nprint("y2", file=sys.stderr)\nprint("y3", sys.argv[1])\n', {
        script_type: 4,
        script_param: b64('z'),
      }),
    );
    expect(onlyHost(py.log).log_content).toContain('y1\ny2\ny3 z\n');
  });

  it('a non-zero exit: host 104 with the exit code, job 4', async () => {
    const r = await runScript(emu, scriptRequest('echo failing; exit 3'));
    expect(r.status.data.job_instance.status).toBe(4);
    expect(r.status.data.blocks[0].step_instances[0].status).toBe(4);
    expect(onlyHost(r.log)).toMatchObject({ ip_status: 104, exit_code: 3 });
  });

  it('a timeout: host 102 and the whole process group killed', async () => {
    const pidFile = join(scratch, 'bg.pid');
    // 1000 s, which timeoutScale makes 5 s: time enough for bash to write the pid on a loaded
    // machine (60 s made 300 ms, which a CI run under load once did not leave it).
    const r = await runScript(
      emu,
      scriptRequest('sleep 30 & echo $! > "$1"; sleep 30', {
        script_param: b64(pidFile),
        script_timeout: 1000,
      }),
    );
    const h = onlyHost(r.log);
    expect(h.ip_status).toBe(102);
    expect(h.log_content).toContain('timed out after 1000s');
    const pid = Number(await readFile(pidFile, 'utf8'));
    expect(await goneWithin(pid)).toBe(true);
  });

  it('what a finished script left running in its process group is killed', async () => {
    const pidFile = join(scratch, 'left.pid');
    const r = await runScript(
      emu,
      scriptRequest('sleep 30 & echo $! > "$1"; echo done', { script_param: b64(pidFile) }),
    );
    expect(onlyHost(r.log).ip_status).toBe(9);
    expect(await goneWithin(Number(await readFile(pidFile, 'utf8')))).toBe(true);
  });

  it('an offline agent: host 1, not run; agent not installed: 1 on JOB 2.x', async () => {
    const marker = join(scratch, 'ran');
    const r = await runScript(
      emu,
      scriptRequest('touch "$1"', {
        script_param: b64(marker),
        ip_list: [
          { bk_cloud_id: 0, ip: '10.0.0.5' },
          { bk_cloud_id: 0, ip: '10.0.0.6' },
        ],
      }),
    );
    expect(r.status.data.blocks[0].step_instances[0].step_ip_status.map((s: any) => s.status)).toEqual([
      1, 1,
    ]);
    expect(r.status.data.job_instance.status).toBe(4);
    await expect(readFile(marker)).rejects.toThrow();
  });

  it('an account the host lacks: 311, not run', async () => {
    const r = await runScript(emu, scriptRequest('echo hi', one('10.0.0.7')));
    expect(onlyHost(r.log).ip_status).toBe(311);
  });

  it('bat and powershell: pwsh when installed, else status 12 with a log line saying why', async () => {
    for (const type of [2, 5]) {
      const r = await runScript(emu, scriptRequest('Write-Output "ps ok"', { script_type: type }));
      const h = onlyHost(r.log);
      if (onPath('pwsh')) expect(h).toMatchObject({ ip_status: 9 });
      else {
        expect(h.ip_status).toBe(12);
        expect(h.log_content).toContain('pwsh (PowerShell) is not installed');
      }
    }
  });

  it('job_success / job_fail set the host tag; hosts group by (status, tag)', async () => {
    const script = [
      'case "$RUNBOOK_EMU_HOST_IP" in',
      '  10.0.0.1) job_success "rotated" ;;',
      '  10.0.0.2) job_fail "disk full" ;;',
      '  *) job_success "rotated" ;;',
      'esac',
      'echo never',
    ].join('\n');
    const r = await runScript(emu, scriptRequest(script, {}, 3));
    const groups = r.log.data[0].step_results.map((g: any) => ({
      ip_status: g.ip_status,
      tag: g.tag,
      ips: g.ip_logs.map((l: any) => l.ip),
    }));
    expect(groups).toEqual([
      { ip_status: 9, tag: 'rotated', ips: ['10.0.0.1', '10.0.0.3'] },
      { ip_status: 104, tag: 'disk full', ips: ['10.0.0.2'] },
    ]);
    const text = JSON.stringify(r.log.data);
    expect(text).toContain('[SUCC]:rotated');
    expect(text).toContain('[FAIL]:disk full');
    expect(text).not.toContain('never');
  });

  it('Chinese text in the script and the parameters', async () => {
    const r = await runScript(
      emu,
      scriptRequest('echo "你好，$1 和 $2"', { script_param: b64("世界 '中 文'") }),
    );
    expect(onlyHost(r.log).log_content).toContain('你好，世界 和 中 文\n');
  });

  it('a 1 MiB script runs whole', async () => {
    const pad = `# ${'填'.repeat(100)}\n`;
    const lines = Math.ceil((1024 * 1024) / Buffer.byteLength(pad));
    const body = `echo start\n${pad.repeat(lines)}echo "end $#"\n`;
    expect(Buffer.byteLength(body)).toBeGreaterThan(1024 * 1024);
    const r = await runScript(emu, scriptRequest(body, { script_param: b64('a b') }));
    expect(onlyHost(r.log).log_content).toContain('start\nend 2\n');
    const job = emu.jobs().find((j) => j.jobInstanceId === r.jobId)!;
    expect(Buffer.byteLength(job.script.content)).toBe(Buffer.byteLength(body));
  });

  it('output is capped at logLimitBytes with a note', async () => {
    const r = await runScript(emu, scriptRequest('head -c 200000 /dev/zero | tr "\\0" x; echo; echo tail'));
    const log = onlyHost(r.log).log_content as string;
    expect(log).toContain('[emulator] output truncated at 65536 bytes');
    expect(log).not.toContain('tail');
    expect(Buffer.byteLength(log)).toBeLessThan(66 * 1024);
  });

  it('hosts of one job run at most `parallelism` at a time', async () => {
    const dir = join(scratch, 'par');
    const script = `mkdir -p "$1"; touch "$1/$RUNBOOK_EMU_HOST_IP"; echo "running=$(ls "$1" | wc -l)"; sleep 0.2; rm "$1/$RUNBOOK_EMU_HOST_IP"`;
    const r = await runScript(emu, scriptRequest(script, { script_param: b64(dir) }, 4));
    const counts = [...JSON.stringify(r.log.data).matchAll(/running=\s*(\d+)/g)].map((m) => Number(m[1]));
    expect(counts).toHaveLength(4);
    expect(Math.max(...counts)).toBeLessThanOrEqual(2);
  });

  it('terminate: job 10 then 11, unfinished hosts 403, a second terminate 1244015', async () => {
    const submit = await call(
      emu,
      'fast_execute_script',
      scriptRequest("trap '' TERM; echo started; sleep 5", { script_timeout: 600 }, 3),
    );
    const ref = { ...AUTH, bk_biz_id: 1, job_instance_id: submit.data.job_instance_id };
    // Wait until both running hosts (parallelism 2) have set their trap and said so.
    for (let i = 0; i < 500; i++) {
      const l = await call(emu, 'get_job_instance_log', ref);
      if ((JSON.stringify(l.data).match(/started/g) ?? []).length === 2) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const op = await call(emu, 'operate_job_instance', { ...ref, operation_code: 1 });
    expect(op).toMatchObject({ result: true, code: 0, data: { job_instance_id: ref.job_instance_id } });
    const during = await call(emu, 'get_job_instance_status', ref);
    expect(during.data).toMatchObject({ is_finished: false, job_instance: { status: 10 } });
    const again = await call(emu, 'operate_job_instance', { ...ref, operation_code: 1 });
    expect(again).toMatchObject({ result: false, code: 1244015 });
    const end = await waitFinished(emu, ref.job_instance_id);
    expect(end.data.job_instance.status).toBe(11);
    expect(end.data.blocks[0].step_instances[0].step_ip_status.map((h: any) => h.status)).toEqual([
      403, 403, 403,
    ]);
    const log = await call(emu, 'get_job_instance_log', ref);
    expect(log.data[0].step_results[0].ip_logs[0].error_code).toBe(126);
    const finished = await call(emu, 'operate_job_instance', { ...ref, operation_code: 1 });
    expect(finished).toMatchObject({ result: false, code: 1241003 });
  });
});

/** True once the process is gone (or a zombie), polled with a bound. */
async function goneWithin(pid: number): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    if (stat === '' || / Z /.test(stat)) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return false;
}
