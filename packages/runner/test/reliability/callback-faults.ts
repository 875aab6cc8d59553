/**
 * JOB's callbacks in the fault campaign: the emulator loses, delays or duplicates them (fault rules of
 * the pseudo-call `callback`), and a forger posts callbacks of its own to the run's listener while
 * the run goes on: without the token (they must wake nothing), and with it but lying (a job said to
 * be finished while it runs: a hint, which only JOB's own answer may turn into a verdict). The
 * invariants of the campaign stay the same; these add: every forged request was refused, and the
 * token appears in no event, record or log.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import type { FaultRule } from '@runbook/emulator';
import { type CallbackHub, startCallbackHub } from '../../src/engine/callbacks.js';
import type { RunEvent } from '../../src/engine/events.js';
import type { Rng } from './campaign.js';

/** 1–3 callback fault rules: lost, late (up to 150 ms, past the campaign's 20 ms polls) or duplicated. */
export function callbackRules(rng: Rng): FaultRule[] {
  const kinds = ['callback_lost', 'callback_late', 'callback_duplicate'] as const;
  return Array.from({ length: rng.int(1, 3) }, () => {
    const kind = rng.pick(kinds);
    const rule: FaultRule = { call: 'callback', kind, probability: rng.int(20, 100) / 100 };
    if (kind === 'callback_late') rule.ms = rng.int(1, 150);
    return rule;
  });
}

function post(url: string, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('error', () => resolve(0));
    req.end(body);
  });
}

/** Paths that are not the run's callback: no token, a look-alike, the token with more after it. */
function forgedPaths(token: string, rng: Rng): string[] {
  const flip = (s: string, k: number) => `${s.slice(0, k)}${s[k] === 'A' ? 'B' : 'A'}${s.slice(k + 1)}`;
  const all = [
    '/',
    `/${token.slice(0, -1)}`,
    `/${flip(token, rng.int(0, token.length - 1))}`,
    `/${token}/x`,
    `/${token}%00`,
    `/${token.toUpperCase() === token ? token.toLowerCase() : token.toUpperCase()}`,
    `/cb?token=${token}`,
  ];
  return Array.from({ length: rng.int(1, 3) }, () => rng.pick(all));
}

export interface CallbackCase {
  hub: CallbackHub;
  rules: FaultRule[];
  /** Passes each event of the run: a submitted job draws forged callbacks. */
  onEvent(e: RunEvent): void;
  /** After the run: waits for the forger, closes the listener, returns violations. */
  finish(texts: string[], runDir: string): Promise<string[]>;
}

/** Half the cases follow their jobs with a callback listener on loopback, under callback faults. */
export async function drawCallbackCase(rng: Rng): Promise<CallbackCase | undefined> {
  if (!rng.chance(0.5)) return undefined;
  const hub = await startCallbackHub({ host: '127.0.0.1', port: 0 });
  const rules = callbackRules(rng);
  const base = new URL(hub.url);
  const pending: Array<Promise<number>> = [];
  let forged = 0;
  return {
    hub,
    rules,
    onEvent(e) {
      if (e.type !== 'step.submitted') return;
      const body = JSON.stringify({ job_instance_id: e.jobInstanceId, status: 3 });
      for (const path of forgedPaths(hub.token, rng)) {
        forged++;
        pending.push(post(`http://${base.host}${path}`, body));
      }
      // With the token, claiming the end (and sometimes another job's id): a hint, never a verdict.
      if (rng.chance(0.3)) {
        const id = rng.chance(0.5) ? e.jobInstanceId : e.jobInstanceId + 1_000_000;
        pending.push(post(hub.url, JSON.stringify({ job_instance_id: id, status: 3 })));
      }
    },
    async finish(texts, runDir) {
      const answers = await Promise.all(pending);
      await hub.close();
      const v: string[] = [];
      const stats = hub.stats();
      const refused = answers.filter((s) => s === 404).length;
      // A lie that arrived after the run ended finds the port closed (answer 0): also fine.
      if (refused + answers.filter((s) => s === 0).length < forged)
        v.push(`forged callbacks answered ${JSON.stringify(answers)}; ${forged} had no token`);
      if (stats.ignored > forged) v.push(`the listener ignored ${stats.ignored} requests, ${forged} forged`);
      if (stats.unreadable > 0) v.push(`${stats.unreadable} callbacks with the token were unreadable`);
      for (const t of [...texts, ...filesUnder(runDir)])
        if (t.includes(hub.token)) v.push('the callback token appears in an event, the record or a log');
      return v;
    },
  };
}

/** The text of every file under `dir` (none when it does not exist). */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const n of names) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(readFileSync(p, 'utf8'));
  }
  return out;
}
