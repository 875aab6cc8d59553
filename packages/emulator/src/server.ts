import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fail, ok } from './envelope.js';
import { runLocal } from './exec/local.js';
import { jobTime } from './time.js';
import type { Emulator, EmulatorOptions, HostRun, Job } from './types.js';

const PREFIX = '/api/c/compapi/v2/job/';

/** Starts the ESB + JOB emulator. Resolves once it listens. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const jobs = new Map<number, Job>();
  let nextJobId = 10000;
  const running = new Set<Promise<void>>();

  const handlers: Record<string, (body: Record<string, unknown>) => Record<string, unknown>> = {
    fast_execute_script(body) {
      const bizId = Number(body.bk_biz_id);
      if (!Number.isInteger(bizId) || bizId < 1) return fail(1240003, 'bk_biz_id must be a positive integer');
      const ipList = Array.isArray(body.ip_list) ? (body.ip_list as Array<Record<string, unknown>>) : [];
      if (ipList.length === 0)
        return fail(1241007, '请求参数[ip_list|custom_query_id|target_server]缺少或不合法');
      const script = Buffer.from(String(body.script_content ?? ''), 'base64').toString('utf8');
      const params = Buffer.from(String(body.script_param ?? ''), 'base64').toString('utf8');
      const id = nextJobId++;
      const hosts: HostRun[] = ipList.map((t) => ({
        ip: String(t.ip),
        bk_cloud_id: Number(t.bk_cloud_id ?? 0),
        status: 5,
        exitCode: 0,
        errorCode: 0,
        log: '',
        tag: '',
      }));
      const job: Job = {
        id,
        stepInstanceId: id + 1,
        bizId,
        name: String(body.task_name || `API Quick execution script${Date.now()}`),
        status: 2,
        createTime: new Date(),
        startTime: new Date(),
        hosts,
        request: body,
      };
      jobs.set(id, job);
      const run = Promise.all(hosts.map((h) => runLocal(h, script, params))).then(() => {
        job.status = hosts.every((h) => h.status === 9) ? 3 : 4;
        job.endTime = new Date();
      });
      running.add(run);
      void run.finally(() => running.delete(run));
      return ok({ job_instance_name: job.name, job_instance_id: id });
    },
    get_job_instance_status(body) {
      const job = jobs.get(Number(body.job_instance_id));
      if (!job) return fail(1244006, '作业实例不存在');
      const finished = job.status === 3 || job.status === 4;
      const times = {
        create_time: jobTime(job.createTime),
        start_time: jobTime(job.startTime),
        end_time: jobTime(job.endTime),
      };
      return ok({
        is_finished: finished,
        job_instance: {
          job_instance_id: job.id,
          bk_biz_id: job.bizId,
          name: job.name,
          status: job.status,
          start_way: 2,
          operator: 'admin',
          bk_job_id: -1,
          current_step_instance_id: job.stepInstanceId,
          ...times,
        },
        blocks: [
          {
            type: 1,
            block_order: 1,
            block_name: job.name,
            step_instances: [
              {
                step_instance_id: job.stepInstanceId,
                name: job.name,
                status: job.status,
                type: 1,
                retry_count: 0,
                ...times,
                step_ip_status: job.hosts.map((h) => ({
                  ip: h.ip,
                  bk_cloud_id: h.bk_cloud_id,
                  status: h.status,
                })),
              },
            ],
          },
        ],
      });
    },
    get_job_instance_log(body) {
      const job = jobs.get(Number(body.job_instance_id));
      if (!job) return fail(1244006, '作业实例不存在');
      const groups = new Map<string, HostRun[]>();
      for (const h of job.hosts) {
        const key = `${h.status}\u0000${h.tag}`;
        groups.set(key, [...(groups.get(key) ?? []), h]);
      }
      return ok([
        {
          is_finished: job.status === 3 || job.status === 4,
          step_instance_id: job.stepInstanceId,
          name: job.name,
          status: job.status,
          step_results: [...groups.values()].map((hs) => ({
            ip_status: hs[0]!.status,
            tag: hs[0]!.tag,
            ip_logs: hs.map((h) => ({
              ip: h.ip,
              bk_cloud_id: h.bk_cloud_id,
              exit_code: h.exitCode,
              error_code: h.errorCode,
              retry_count: 0,
              start_time: jobTime(h.startTime),
              end_time: jobTime(h.endTime),
              log_content: h.log,
            })),
          })),
        },
      ]);
    },
  };

  const server = createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://emulator');
    const call = url.pathname.startsWith(PREFIX) ? url.pathname.slice(PREFIX.length).replace(/\/$/, '') : '';
    const handler = Object.hasOwn(handlers, call) ? handlers[call] : undefined;
    let answer: Record<string, unknown>;
    if (!handler) {
      answer = fail(1306404, `component not found: ${url.pathname}`);
    } else {
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
        answer = authenticate(body) ?? handler(body);
      } catch {
        answer = fail(1306000, 'Request JSON string is wrong in format, which cannot be analyzed.');
      }
    }
    const text = JSON.stringify(answer);
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(text);
  }

  function authenticate(body: Record<string, unknown>): Record<string, unknown> | undefined {
    const code = String(body.bk_app_code ?? '');
    const secret = String(body.bk_app_secret ?? '');
    if (!code) return fail(1306000, 'APP Code [bk_app_code] cannot be empty');
    if (options.apps && options.apps[code] !== secret) {
      return fail(
        1306000,
        `APP Secret verification failed, pelase confirm if the APP Secret and APP Code [bk_app_code=${code}] match`,
      );
    }
    if (!body.bk_token && !body.bk_username) {
      return fail(
        1306000,
        'User authentication failed, please provide a valid user identity, such as bk_token, bk_username',
      );
    }
    return undefined;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    url: `http://${addr.address}:${addr.port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([...running]);
    },
  };
}
