import type { Issue } from '@runbook/schema';
import { validateFiles } from '@runbook/schema/validate-files';
import { COMMON_OPTIONS, parseCommand } from '../cli/args.js';
import { CliError, EXIT } from '../exit.js';
import { formatIssues } from '../render/issues.js';

const HELP = `Usage: runbook validate FILE... [--json]

Checks runbooks without sending anything: YAML, the format, references, script files.
Prints every problem as FILE:LINE:COL: message (stderr), or with --json one JSON document
(stdout). Exits 0 when every file is valid, 2 otherwise.

Options:
  --json        one JSON document on stdout
  --no-color    accepted for every command; validate prints no colour
  -h, --help    this text
`;

/** The `--json` document, version 1. */
export interface ValidateReport {
  version: 1;
  ok: boolean;
  files: Array<{ file: string; ok: boolean }>;
  issues: Array<Pick<Issue, 'file' | 'line' | 'col' | 'code' | 'message'>>;
}

/**
 * `runbook validate FILE…`: loads only @runbook/schema, never React, ink or the emulator. Through its
 * light entry: the worker threads start before this thread loads the parser and the checks.
 */
export async function validate(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand('validate', argv, {
    json: { type: 'boolean', default: false },
    ...COMMON_OPTIONS,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  if (positionals.length === 0) {
    throw new CliError('validate needs at least one runbook file: runbook validate FILE...', EXIT.usage);
  }
  const report: ValidateReport = { version: 1, ok: true, files: [], issues: [] };
  let text = '';
  for (const { file, issues } of await validateFiles(positionals)) {
    report.files.push({ file, ok: issues.length === 0 });
    if (issues.length === 0) continue;
    report.ok = false;
    for (const { file: f, line, col, code, message } of issues)
      report.issues.push({ file: f, line, col, code, message });
    if (!values.json) text += formatIssues(issues);
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } else {
    const bad = report.files.filter((f) => !f.ok).length;
    const n = report.files.length;
    const files = `${n} file${n === 1 ? '' : 's'}`;
    const issues = `${report.issues.length} issue${report.issues.length === 1 ? '' : 's'}`;
    text += report.ok ? `runbook: ${files} valid\n` : `runbook: ${issues} in ${bad} of ${files}\n`;
    process.stderr.write(text);
  }
  return report.ok ? EXIT.ok : EXIT.usage;
}
