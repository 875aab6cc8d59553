import { toV3FastExecuteBody } from '@runbook/core';
import type { Plan, PlannedStep } from '../plan/types.js';
import { MASK } from '../secrets/mask.js';
import { transportName } from '../transport.js';
import { type Paint, paint } from './color.js';
import { limitText } from './limit-text.js';

const SCRIPT_LINES = 5;

/** A copy of the plan that may be shown: sensitive params replaced by `***` (base64 would hide nothing). */
export function displayPlan(plan: Plan): Plan {
  return {
    ...plan,
    steps: plan.steps.map((s) => ({
      ...s,
      request: {
        ...s.request,
        ...(s.sensitive && s.request.script_param !== undefined ? { script_param: MASK } : {}),
      },
    })),
  };
}

/**
 * The plan as `plan --json` shows it: each step's `request` is the body its transport sends (over
 * the API gateway v3, core's v3 body), sensitive params as `***`.
 */
export function planJson(plan: Plan): unknown {
  const shown = displayPlan(plan);
  if (plan.transport !== 'v3') return shown;
  return {
    ...shown,
    steps: shown.steps.map((s, i) => {
      // Built from the request as sent, then masked: the conversion never sees `***` as base64.
      const body = toV3FastExecuteBody(plan.steps[i]!.request);
      return {
        ...s,
        request: s.sensitive && 'script_param' in body ? { ...body, script_param: MASK } : body,
      };
    }),
  };
}

const ON_FAILURE: Record<PlannedStep['onFailure'], string> = {
  abort: 'stop the run',
  continue: 'record it and continue (the run ends with exit 1)',
  ignore: 'record it as ignored and continue (the run does not fail for it)',
};

/** `30s`, `1m30s`, `2h`: a pause as written in a runbook. */
export function durationText(ms: number): string {
  const s = Math.round(ms / 1000);
  const parts: string[] = [];
  if (s >= 3600) parts.push(`${Math.floor(s / 3600)}h`);
  if (s % 3600 >= 60) parts.push(`${Math.floor((s % 3600) / 60)}m`);
  if (s % 60 > 0 || s === 0) parts.push(`${s % 60}s`);
  return parts.join('');
}

/** `"1 10% +10": batches 1, 10, 20, 20 … (5 batches), max_fail 2, pause 30s, confirm before each batch`. */
export function rollingText(s: PlannedStep): string {
  const r = s.rolling!;
  const sizes = s.batches.map((b) => b.length);
  const shown = `${sizes.slice(0, 4).join(', ')}${sizes.length > 4 ? ' …' : ''}`;
  const maxFail = r.maxFailText.endsWith('%') ? `${r.maxFail} (${r.maxFailText})` : String(r.maxFail);
  return [
    `"${r.expr}": batches ${shown} (${sizes.length} batch${sizes.length === 1 ? '' : 'es'})`,
    `max_fail ${maxFail}`,
    ...(r.pauseMs > 0 ? [`pause ${durationText(r.pauseMs)}`] : []),
    ...(r.confirm ? ['confirm before each batch after the first'] : []),
  ].join(', ');
}

function targetsText(s: PlannedStep): string {
  const parts: string[] = [];
  if (s.hostCount > 0) {
    const named = [...s.hosts, ...s.hostIds.map((id) => `host_id ${id}`)];
    const shown = named.slice(0, 8).join(', ');
    parts.push(
      `${s.hostCount} host${s.hostCount === 1 ? '' : 's'} (${shown}${s.hostCount > 8 ? `, … ${s.hostCount - 8} more` : ''})`,
    );
  }
  if (s.topoNodes.length > 0) {
    parts.push(
      `${s.topoNodes.length} topology node${s.topoNodes.length === 1 ? '' : 's'} (${s.topoNodes.join(', ')}; JOB resolves the hosts)`,
    );
  }
  if (s.customQueries.length > 0) {
    parts.push(
      `${s.customQueries.length} custom quer${s.customQueries.length === 1 ? 'y' : 'ies'} (${s.customQueries.join(', ')}; JOB resolves the hosts)`,
    );
  }
  return parts.length ? parts.join(' + ') : '0 hosts';
}

/**
 * Every host the plan's steps run on, counted once however many steps target it (`CLOUD:IP` and
 * host ids), and what JOB resolves itself (custom queries and topology nodes, counted once each);
 * a step the plan skips (`--limit` left it no host) counts apart.
 */
export function planTotals(plan: Plan): {
  steps: number;
  skipped: number;
  hosts: number;
  targets: number;
  customQueries: number;
  topoNodes: number;
} {
  const hosts = new Set<string>();
  const queries = new Set<string>();
  const nodes = new Set<string>();
  let targets = 0;
  const running = plan.steps.filter((s) => s.skipReason === undefined);
  for (const s of running) {
    for (const h of s.hosts) hosts.add(h);
    for (const id of s.hostIds) hosts.add(`id:${id}`);
    for (const q of s.customQueries) queries.add(q);
    for (const n of s.topoNodes) nodes.add(n);
    targets += s.hostCount;
  }
  return {
    steps: running.length,
    skipped: plan.steps.length - running.length,
    hosts: hosts.size,
    targets,
    customQueries: queries.size,
    topoNodes: nodes.size,
  };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** `3 steps on 12 distinct hosts (20 host targets over all steps) …`: the plan's last line. */
function totalsText(plan: Plan): string {
  const t = planTotals(plan);
  let text = `${plural(t.steps, 'step')} on ${plural(t.hosts, 'distinct host')}`;
  if (t.targets !== t.hosts) text += ` (${plural(t.targets, 'host target')} over all steps)`;
  const resolved = [
    ...(t.customQueries > 0 ? [plural(t.customQueries, 'custom query', 'custom queries')] : []),
    ...(t.topoNodes > 0 ? [plural(t.topoNodes, 'topology node')] : []),
  ];
  if (resolved.length > 0) text += `, and the hosts of ${resolved.join(' and ')} (JOB resolves them)`;
  if (t.skipped > 0) text += `; ${plural(t.skipped, 'step')} skipped`;
  return `${text}.`;
}

/** The plan as a person reads it before applying it; `p` colours it (none by default). */
export function formatPlan(plan: Plan, p: Paint = paint(false)): string {
  const out: string[] = [];
  const git = plan.git.sha
    ? ` at ${plan.git.sha}${plan.git.dirty ? '+dirty (uncommitted changes)' : ''}`
    : ' (not in git)';
  // JOB's own words for the scope: `biz 2`, `biz_set 9991001` (bk_scope_type and bk_scope_id).
  out.push(
    `${p.bold(`Plan for ${plan.name}`)} (${plan.runbookPath}${git}), scope ${plan.scope.type} ${plan.scope.id}, over ${transportName(plan.transport)}`,
  );
  if (plan.description) out.push(`  ${plan.description}`);
  const vars = Object.entries(plan.vars);
  if (vars.length) out.push(`vars: ${vars.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}`);
  if (plan.secretNames.length)
    out.push(`secrets (from the environment, never shown): ${plan.secretNames.join(', ')}`);
  if (plan.limit) out.push(`limit: --limit ${limitText(plan.limit)}: every step runs only on these`);
  out.push('');
  for (const s of plan.steps) {
    out.push(`${p.bold(`${s.index + 1}. ${s.name}`)}${s.line ? p.dim(`  (line ${s.line})`) : ''}`);
    if (s.description) out.push(`   ${s.description}`);
    out.push(`   targets:   ${targetsText(s)}`);
    if (s.skipReason) out.push(`   skipped:   ${s.skipReason}`);
    if (s.rolling && !s.skipReason) out.push(`   rolling:   ${rollingText(s)}`);
    if (s.source.kind === 'stored') out.push(`   script:    stored JOB script id ${s.source.scriptId}`);
    else {
      const from = s.source.kind === 'file' ? `file ${s.source.path}` : 'inline';
      out.push(`   script:    ${s.scriptType}, ${from}, sha256 ${s.scriptSha256}`);
      const lines = (s.script ?? '').replace(/\n$/, '').split('\n');
      for (const l of lines.slice(0, SCRIPT_LINES)) out.push(p.dim(`      | ${l}`));
      if (lines.length > SCRIPT_LINES)
        out.push(p.dim(`      | … ${lines.length - SCRIPT_LINES} more line(s)`));
    }
    out.push(`   account:   ${s.account}    timeout: ${s.timeoutSec} s`);
    out.push(`   task name: ${s.taskName}`);
    if (s.paramsDisplay !== undefined)
      out.push(`   params:    ${s.sensitive ? `${s.paramsDisplay} (sensitive)` : s.paramsDisplay}`);
    if (s.request.bk_callback_url) out.push(`   callback:  ${s.request.bk_callback_url}`);
    if (s.confirm) out.push(`   confirm:   ${p.warn(s.confirm)}`);
    out.push(`   on failure: ${ON_FAILURE[s.onFailure]}`);
    out.push('');
  }
  out.push(p.bold(totalsText(plan)));
  out.push(
    p.dim(
      'Note: this plan shows exactly what will be sent to JOB; what the scripts do on the hosts cannot be previewed.',
    ),
  );
  return `${out.join('\n')}\n`;
}
