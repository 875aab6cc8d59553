import type { ReportRecord } from './record-view.js';

/** The longest `--limit` written out in the command; a longer one goes through a file. */
const MAX_LIMIT_ARG = 2000;

/** Quotes a word for a POSIX shell when it needs it, so the command can be pasted as is. */
export function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The shell lines that run this runbook again as this run did: the commit it came from, then
 * `runbook apply FILE` with the run's vars and endpoint. `#` lines say what the command cannot bring back.
 */
export function reproduceLines(record: ReportRecord): string[] {
  const rb = record.runbook;
  const lines: string[] = [];
  if (rb.gitSha) {
    lines.push(`git checkout ${shellWord(rb.gitSha)}`);
    if (rb.dirty) lines.push('# the run used uncommitted changes: this commit alone is not exactly what ran');
  } else lines.push(`# the runbook was not in a git repository; what ran had content hash ${rb.contentHash}`);
  const cmd = ['runbook', 'apply', shellWord(rb.path)];
  const transport = record.endpoint.transport ?? 'v2';
  if (record.endpoint.local) {
    cmd.push('--local');
    if (transport === 'v3') cmd.push('--transport', 'v3');
  } else cmd.push(transport === 'v3' ? '--apigw-url' : '--esb-url', shellWord(record.endpoint.url));
  for (const [name, value] of Object.entries(record.vars)) cmd.push('--var', shellWord(`${name}=${value}`));
  const limit = record.limit ?? [];
  if (limit.length > 0 && limit.join(',').length <= MAX_LIMIT_ARG)
    cmd.push('--limit', shellWord(limit.join(',')));
  else if (limit.length > 0) {
    lines.push(
      `# the run was limited to ${limit.length} hosts: write the record's "limit" one a line to a file and add --limit @FILE`,
    );
  }
  lines.push(cmd.join(' '));
  return lines;
}
