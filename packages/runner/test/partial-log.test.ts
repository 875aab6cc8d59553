import { createClient } from '@runbook/core';
import type { Emulator } from '@runbook/emulator';
import { afterEach, describe, expect, it } from 'vitest';
import { partialLogReader } from '../src/commands/partial-log.js';
import type { Plan } from '../src/plan/types.js';
import { createMask } from '../src/secrets/mask.js';
import { startEsb } from './esb.js';
import { waitFor } from './helpers.js';

const CANARY = `partial-canary-${process.pid}`;
let emu: Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

describe("the terminal UI's partial log of a running step", () => {
  it("reads JOB's log while the job runs, masked like every event, and never submits", async () => {
    const esb = await startEsb({
      businesses: { '1': { hosts: [{ ip: '127.0.0.1' }, { ip: '127.0.0.2' }] } },
    });
    emu = esb.emu;
    const client = createClient({
      baseUrl: emu.url,
      appCode: esb.env.BK_APP_CODE!,
      appSecret: esb.env.BK_APP_SECRET!,
      username: 'tester',
    });
    try {
      const script = `echo "half way ${CANARY}"\nsleep 20\necho done\n`;
      const job = await client.fastExecuteScript({
        bk_biz_id: 1,
        task_name: 'partial',
        script_content: Buffer.from(script).toString('base64'),
        script_type: 1,
        account: 'root',
        ip_list: [
          { bk_cloud_id: 0, ip: '127.0.0.1' },
          { bk_cloud_id: 0, ip: '127.0.0.2' },
        ],
      });
      const plan = {
        biz: 1,
        steps: [{ name: 'slow', request: { bk_biz_id: 1, bk_scope_type: 'biz', bk_scope_id: '1' } }],
      } as unknown as Plan;
      const read = partialLogReader(client, plan, createMask([CANARY], []));
      const hosts = await waitFor('the first line of both hosts', async () => {
        const h = await read('slow', job.job_instance_id);
        return h.length === 2 && h.every((x) => x.log.includes('half way')) ? h : undefined;
      });
      for (const h of hosts) {
        expect(h.status).toBe(7);
        expect(h.log).toContain('half way ***');
        expect(h.log).not.toContain(CANARY);
        expect(h.log).not.toContain('done');
      }
      expect(emu.jobs()).toHaveLength(1);
      await expect(read('no-such-step', job.job_instance_id)).rejects.toThrow('no step no-such-step');
      await client.operateJobInstance({
        bk_biz_id: 1,
        job_instance_id: job.job_instance_id,
        operation_code: 1,
      });
    } finally {
      await client.close();
    }
  });
});
