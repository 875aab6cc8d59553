import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the misbehaving server answers to one request: a body (any bytes), or a reset connection. */
export type Answer =
  | { status?: number; headers?: Record<string, string>; body: string | Buffer }
  | { reset: true };

/** Decides the answer to the `n`-th request (from 1) of `call`, whose JSON body is `body`. */
export type Responder = (call: string, n: number, body: Record<string, unknown>) => Answer;

export interface MisbehavingEsb {
  url: string;
  /** Requests per call name. */
  counts: Record<string, number>;
  /** Every request since the last `setResponder`: call, JSON body (when it parses) and headers. */
  requests: Array<{ call: string; body: Record<string, unknown>; headers: IncomingMessage['headers'] }>;
  setResponder(r: Responder): void;
  close(): Promise<void>;
}

const envelope = (data: unknown, extra: Record<string, unknown> = {}) => ({
  result: true,
  code: 0,
  message: 'success',
  data,
  request_id: 'req-1',
  ...extra,
});

export const HOSTS = [
  { ip: '10.0.0.1', bk_cloud_id: 0 },
  { ip: '10.0.0.2', bk_cloud_id: 0 },
];
const TIME = '2026-11-27 10:10:10 +0800';

type Host = { ip: string; bk_cloud_id: number };

/**
 * Well-formed JOB 2.x answers for a job that has finished successfully: job 100 of `HOSTS` unless told
 * another id and hosts (a `JobBook` tells them, one job per submit).
 */
export const GOOD = {
  submit: (id = 100) => envelope({ job_instance_name: 'pc/step', job_instance_id: id }),
  status: (id = 100, hosts: readonly Host[] = HOSTS) =>
    envelope({
      is_finished: true,
      job_instance: {
        job_instance_id: id,
        bk_biz_id: 1,
        name: 'pc/step',
        status: 3,
        create_time: TIME,
        start_time: TIME,
        end_time: TIME,
        total_time: 1,
      },
      blocks: [
        {
          type: 1,
          block_order: 1,
          block_name: 'pc/step',
          step_instances: [
            {
              step_instance_id: 75,
              name: 'pc/step',
              status: 3,
              retry_count: 0,
              step_ip_status: hosts.map((h) => ({ ...h, status: 9 })),
            },
          ],
        },
      ],
    }),
  log: (content = 'hello\n', hosts: readonly Host[] = HOSTS) =>
    envelope([
      {
        is_finished: true,
        step_instance_id: 75,
        name: 'pc/step',
        status: 3,
        step_results: [
          {
            ip_status: 9,
            tag: '',
            ip_logs: hosts.map((h) => ({
              ...h,
              retry_count: 0,
              total_time: 1,
              start_time: TIME,
              end_time: TIME,
              error_code: 0,
              exit_code: 0,
              log_content: content,
            })),
          },
        ],
      },
    ]),
};

export const json = (value: unknown): Answer => ({
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(value),
});

/** The well-formed answer of a call. */
export function goodAnswer(call: string): Answer {
  if (call === 'fast_execute_script') return json(GOOD.submit());
  if (call === 'get_job_instance_status') return json(GOOD.status());
  if (call === 'get_job_instance_log') return json(GOOD.log());
  return json({ result: true, code: 0, message: 'success', data: { job_instance_id: 100 }, request_id: 'r' });
}

/**
 * Well-formed answers that follow what was sent, for runs of more than one job a step (the batches
 * of a rolling step): each submit gets a job id of its own and the hosts of its `ip_list`, which the
 * status and log answers of that id then list.
 */
export class JobBook {
  private readonly jobs = new Map<number, Host[]>();
  private next = 100;

  good(call: string, body: Record<string, unknown>): Answer {
    if (call === 'fast_execute_script') {
      const id = this.next++;
      const list = Array.isArray(body.ip_list) ? (body.ip_list as Host[]) : [];
      this.jobs.set(
        id,
        list.length ? list.map((h) => ({ ip: String(h.ip), bk_cloud_id: Number(h.bk_cloud_id) })) : HOSTS,
      );
      return json(GOOD.submit(id));
    }
    const id = Number(body.job_instance_id);
    const hosts = this.jobs.get(id);
    if (hosts && call === 'get_job_instance_status') return json(GOOD.status(id, hosts));
    if (hosts && call === 'get_job_instance_log') return json(GOOD.log(undefined, hosts));
    return goodAnswer(call);
  }
}

const drain = (req: IncomingMessage) =>
  new Promise<Record<string, unknown>>((resolve) => {
    const chunks: Buffer[] = [];
    const done = () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      } catch {
        resolve({});
      }
    };
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', done);
    req.on('error', done);
  });

/** A loopback ESB that answers what the responder says, however wrong. */
export async function startMisbehavingEsb(): Promise<MisbehavingEsb> {
  let responder: Responder = goodAnswer;
  const counts: Record<string, number> = {};
  const requests: MisbehavingEsb['requests'] = [];
  const server: Server = createServer(async (req, res) => {
    const body = await drain(req);
    const call = /\/job\/([a-z_]+)\/?/.exec(req.url ?? '')?.[1] ?? 'unknown';
    counts[call] = (counts[call] ?? 0) + 1;
    requests.push({ call, body, headers: req.headers });
    const answer = responder(call, counts[call]!, body);
    if ('reset' in answer) {
      req.socket.destroy();
      return;
    }
    res.writeHead(answer.status ?? 200, answer.headers ?? { 'content-type': 'application/json' });
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    requests,
    setResponder(r) {
      responder = r;
      for (const k of Object.keys(counts)) delete counts[k];
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
