import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

/**
 * bin/runbook.js sets V8 flags before it loads the CLI: undici's WebAssembly parser compiled by the
 * baseline compiler only, and the young generation held at its first size.
 */
describe('bin/runbook.js', () => {
  it('starts the CLI and V8 takes its flags without a word on stderr', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(version);
    // An unknown or misspelt flag would print "Error: unrecognized flag" here, on every command.
    expect(r.stderr).toBe('');
  });
});
