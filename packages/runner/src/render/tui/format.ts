/** Small text helpers of the terminal UI: durations, counts, names of JOB statuses, exit codes. */

import type { Transport } from '../../transport.js';
import { escapeControls } from '../controls.js';

/** `12s`, `3m05s`, `1h02m`: short enough for a step row. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

const NUMBER = new Intl.NumberFormat('en-US');

/** `10,000`. */
export function formatCount(n: number): string {
  return NUMBER.format(n);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** A host as a person writes it: the IP alone in the default cloud area, `cloud:ip` otherwise. */
export function hostLabel(cloud: number, ip: string): string {
  return cloud === 0 ? ip : `${cloud}:${ip}`;
}

/** What a JOB per-host status means (one list for every UI: render/status-words.ts). */
export { hostStatusName } from '../status-words.js';

const EXIT_MEANING: Record<number, string> = {
  0: 'every step succeeded',
  1: 'a step failed on JOB',
  2: 'the runbook or the command line is invalid; nothing was sent',
  3: 'JOB or ESB could not be used',
  4: 'a confirmation was declined',
  5: 'a local problem: the state folder, the disk or permissions',
  130: 'interrupted',
};

/** The meaning of an exit code of `runbook` (architecture.md). */
export function exitMeaning(code: number): string {
  return EXIT_MEANING[code] ?? 'unexpected exit code';
}

/** Quotes a shell word when it needs it, so a resume command can be pasted as is. */
export function shellWord(word: string): string {
  return /^[\w./:@%+=,-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The command that resumes a run against the endpoint it used. */
export function resumeCommand(
  runbookPath: string,
  runId: string,
  endpoint?: { url: string; local: boolean; transport?: Transport; config?: string },
): string {
  const parts = ['runbook', 'apply', shellWord(runbookPath), '--resume', shellWord(runId)];
  const v3 = endpoint?.transport === 'v3';
  if (endpoint?.local) {
    parts.push('--local');
    if (v3) parts.push('--transport', 'v3');
    if (endpoint.config) parts.push('--emulator-config', shellWord(endpoint.config));
  } else if (endpoint) parts.push(v3 ? '--apigw-url' : '--esb-url', shellWord(endpoint.url));
  return parts.join(' ');
}

/** Colour and style sequences (SGR): dropped from log lines, they would only be noise here. */
const SGR = /\x1b\[[0-9;:]*m/g;

/**
 * Makes a line of a host's log safe to draw: what a terminal would show after the last carriage
 * return, colours dropped, tabs as spaces, and every other control character shown escaped
 * (`\x1b`, `\u009b`), so a host cannot clear the screen, set the title or move the cursor.
 */
export function cleanLine(line: string): string {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  return escapeControls(
    text
      .slice(text.lastIndexOf('\r') + 1)
      .replace(SGR, '')
      .replaceAll('\t', '  '),
  );
}

/** Splits a log into clean lines, without the empty line after a final newline. */
export function logLines(log: string): string[] {
  if (log === '') return [];
  const lines = log.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map(cleanLine);
}
