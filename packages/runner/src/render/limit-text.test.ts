import { describe, expect, it } from 'vitest';
import { limitText } from './limit-text.js';
import { createStreamRenderer } from './stream.js';
import { headerLines } from './tui/components/Header.js';
import { createTheme } from './tui/theme.js';

const RUN = {
  runId: 'r1',
  runbook: { path: 'rb.yaml', name: 'rb' },
  endpoint: { url: 'http://127.0.0.1:1', local: true },
  biz: 1,
};

describe('the limit in headers', () => {
  it('names the first hosts and counts the others', () => {
    expect(limitText(['0:10.0.0.1'])).toBe('1 host (0:10.0.0.1)');
    const many = Array.from({ length: 7 }, (_, i) => `0:10.0.0.${i + 1}`);
    expect(limitText(many)).toBe(
      '7 hosts (0:10.0.0.1, 0:10.0.0.2, 0:10.0.0.3, 0:10.0.0.4, 0:10.0.0.5, … 2 more)',
    );
  });

  it('is a line of the TUI header only when the run is limited', () => {
    const text = (run: object) =>
      headerLines(run as typeof RUN, createTheme(true)).map((l) => l.map((p) => p.text).join(''));
    expect(text(RUN)).toHaveLength(2);
    expect(text({ ...RUN, limit: ['id:7', '2:10.0.0.1'] })[2]).toBe(
      'limit 2 hosts (id:7, 2:10.0.0.1) · every step runs only on these (--limit)',
    );
  });

  it('is a line of the stream header', () => {
    let out = '';
    const sink = createStreamRenderer((t) => {
      out += t;
    });
    sink({
      type: 'run.started',
      ts: '',
      ...RUN,
      endpoint: { ...RUN.endpoint, transport: 'v2' },
      steps: [],
      limit: ['0:10.0.0.1'],
    });
    expect(out).toMatch(/ limit 1 host \(0:10\.0\.0\.1\): every step runs only on these\n/);
  });
});
