import { describe, expect, it } from 'vitest';
import { cleanLine, exitMeaning, formatDuration, hostStatusName, logLines, resumeCommand } from './format.js';

describe('format', () => {
  it('writes durations short', () => {
    expect([0, 999, 12_000, 65_000, 3_599_000, 3_720_000].map(formatDuration)).toEqual([
      '0s',
      '0s',
      '12s',
      '1m05s',
      '59m59s',
      '1h02m',
    ]);
  });

  it('makes log lines safe to draw', () => {
    expect(cleanLine('\x1b[31mred\x1b[0m\tdone')).toBe('red  done');
    expect(cleanLine('10%\r50%\r100%')).toBe('100%');
    expect(cleanLine('windows line\r')).toBe('windows line');
    // Anything but colours is shown, escaped, instead of acting on the terminal.
    expect(cleanLine('title\x1b]0;pwned\x07 bell\x07')).toBe('title\\x1b]0;pwned\\x07 bell\\x07');
    expect(cleanLine('\x1b[8mhidden \x1b[2J\x9b2J \x00\x7f')).toBe('hidden \\x1b[2J\\u009b2J \\x00\\x7f');
    expect(logLines('a\nb\n')).toEqual(['a', 'b']);
    expect(logLines('')).toEqual([]);
  });

  it('names statuses and exit codes, and quotes the resume command for a shell', () => {
    expect(hostStatusName(104)).toBe('failed');
    expect(hostStatusName(325)).toBe('file error');
    expect(hostStatusName(777)).toBe('status 777');
    expect(exitMeaning(130)).toBe('interrupted');
    expect(resumeCommand('my runbooks/it.yaml', 'abc')).toBe(
      "runbook apply 'my runbooks/it.yaml' --resume abc",
    );
  });

  it('resumes a run on its transport: --apigw-url for the API gateway, --transport v3 with --local', () => {
    const gw = 'https://bkapi.example.com/api/bk-job/prod';
    expect(resumeCommand('rb.yaml', 'r1', { url: gw, local: false, transport: 'v3' })).toBe(
      `runbook apply rb.yaml --resume r1 --apigw-url ${gw}`,
    );
    expect(resumeCommand('rb.yaml', 'r1', { url: 'https://paas.example.com', local: false })).toBe(
      'runbook apply rb.yaml --resume r1 --esb-url https://paas.example.com',
    );
    expect(
      resumeCommand('rb.yaml', 'r1', {
        url: 'http://127.0.0.1:1',
        local: true,
        transport: 'v3',
        config: 'e.yaml',
      }),
    ).toBe('runbook apply rb.yaml --resume r1 --local --transport v3 --emulator-config e.yaml');
  });
});
