// biome-ignore-all lint/suspicious/noTemplateCurlyInString: runbook expressions are ${{ … }} text
import type { Rng } from './campaign.js';

/**
 * Runbooks whose secrets are the run's own words: what masking must never rewrite. Secrets are
 * drawn from the step names and their pieces, event type words, JSON keys of the record, the
 * targets' IPs, digits of the run id and the year, the emulator's own log words, the runbook's
 * name, and degenerate values (exactly 4 characters, unicode, look-alikes, blanks); a few are
 * shorter than 4 characters, which must be refused before anything is sent.
 */

const RUNBOOK_NAMES = ['nightly-ops', 'db-maint', 'job-runner', 'state-sync'];
const STEP_NAMES = ['backup-db', 'rotate-logs', 'job-step', 'finished-check', 'state.sync', 'hosts_2026'];
const IPS = ['127.0.0.1', '127.0.0.2', '10.20.26.1', '192.168.20.26'];
const EVENT_WORDS = [
  'step',
  'finished',
  'submitted',
  'submitting',
  'progress',
  'started',
  'skipped',
  'run.finished',
];
const RECORD_KEYS = [
  'state',
  'steps',
  'hosts',
  'runId',
  'status',
  'exitCode',
  'jobInstanceId',
  'version',
  'request',
];
const EMULATOR_WORDS = [
  'job_start',
  '[PID:',
  'SUCC',
  'FAIL',
  'emulator',
  'root',
  'runbook',
  'apply',
  '--resume',
];
const DEGENERATE = [
  'abcd',
  'pässwörd',
  '密码密码',
  '🔑🔑🔑🔑',
  'bаckup-db',
  'backup‐db',
  'BACKUP-DB',
  'ab\tcd',
  ' step ',
];
const SHORT = ['job', 'ok', '20', 'é', '  ab  ', '密码'];

/** `a-b.c_d` → its pieces of 4 characters or more. */
const pieces = (name: string) => name.split(/[-._]/).filter((p) => p.length >= 4);

export interface WordsCase {
  name: string;
  steps: Array<{ name: string; hosts: string[]; fails: boolean }>;
  /** The two word secrets; `short` when one is shorter than 4 characters (the run must be refused). */
  words: [string, string];
  short: boolean;
  /** Where the words came from, for the violation message. */
  kinds: string[];
  /** Talk to the JOB 3.x emulator (HTML-escaped logs). */
  job3: boolean;
  ui: 'stream' | 'json' | 'tui';
  debug: boolean;
}

export function wordsCase(rng: Rng, now = new Date()): WordsCase {
  const name = rng.pick(RUNBOOK_NAMES);
  const count = rng.int(2, 3);
  const names: string[] = [];
  while (names.length < count) {
    const n = rng.pick(STEP_NAMES);
    if (!names.includes(n)) names.push(n);
  }
  const fails = rng.chance(0.25) ? rng.int(0, count - 1) : -1;
  const steps = names.map((n, k) => ({
    name: n,
    hosts: [...new Set([rng.pick(IPS), rng.pick(IPS)])],
    fails: k === fails,
  }));
  const iso = now.toISOString();
  const digits = [iso.slice(0, 4), iso.slice(0, 7).replace('-', ''), iso.slice(0, 10).replace(/-/g, '')];
  const pools: Record<string, string[]> = {
    'step name': names,
    'piece of a step name': names.flatMap(pieces),
    'event type word': EVENT_WORDS,
    'record key': RECORD_KEYS,
    'target IP': steps.flatMap((s) => s.hosts.flatMap((h) => [h, `0:${h}`])),
    'run id digits': digits,
    'emulator word': EMULATOR_WORDS,
    'runbook name': [name, ...pieces(name)],
    degenerate: DEGENERATE,
  };
  const kinds = Object.keys(pools);
  const draw = (): [string, string] => {
    const kind = rng.pick(kinds);
    return [kind, rng.pick(pools[kind]!.length > 0 ? pools[kind]! : names)];
  };
  const [k1, w1] = draw();
  let [k2, w2] = draw();
  const short = rng.chance(0.1);
  if (short) [k2, w2] = ['shorter than 4', rng.pick(SHORT)];
  return {
    name,
    steps,
    words: [w1, w2],
    short,
    kinds: [k1, k2],
    job3: rng.chance(0.2),
    ui: rng.pick(['stream', 'json', 'tui'] as const),
    debug: rng.chance(0.3),
  };
}

/** The case's runbook: every step echoes its params (canary first) and the run's own words. */
export function wordsRunbook(c: WordsCase): string {
  const steps = c.steps.map(
    (s) => `  - name: ${s.name}
    hosts: ${JSON.stringify(s.hosts)}
    on_failure: continue
    params: "\${{ secrets.canary }} \${{ secrets.w1 }} \${{ secrets.w2 }}"
    script: |
      echo "step ${s.name} finished on ${s.hosts.join(' ')} of ${c.name}: $1 / $2 / $3"
      echo "state steps hosts submitted job_start run.finished 2026 $*"
${s.fails ? '      exit 3\n' : ''}`,
  );
  return `version: 1
name: ${c.name}
biz: 1
secrets:
  canary: { env: RB_API_KEY }
  w1: { env: RB_W1 }
  w2: { env: RB_W2 }
defaults:
  account: root
  timeout: 60
steps:
${steps.join('')}`;
}
