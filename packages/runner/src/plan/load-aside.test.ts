import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadRunbook } from '@runbook/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASIDE_BYTES, loadRunbookAside } from './load-aside.js';

// The compiled worker: the sources have none (the package is built before its tests, as in CI).
const WORKER = new URL('../../dist/plan/load-aside-worker.js', import.meta.url);

let dir: string;
/** Parsed in the worker, the positions came as data; loaded in place, they are computed on first use. */
const positionsAsData = (r: object) => Object.getOwnPropertyDescriptor(r, 'positions')?.value instanceof Map;
const ip = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
const hostLines = (n: number) => Array.from({ length: n }, (_, i) => `      - "${ip(i)}"`);

function bigRunbook(name: string, extra: string[] = []): string {
  return [
    'version: 1',
    `name: ${name}`,
    'biz: 1',
    'defaults:',
    '  account: root',
    'steps:',
    '  - name: fan-out',
    '    description: "ünïcødé 🙂 日本語"',
    '    hosts:',
    ...hostLines(40_000),
    '    script_file: ./check.sh',
    ...extra,
    '',
  ].join('\n');
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'runbook-aside-'));
  writeFileSync(join(dir, 'check.sh'), 'echo "ü"\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadRunbookAside', () => {
  it('has its compiled worker to test', () => {
    expect(existsSync(WORKER)).toBe(true);
  });

  it('loads a big runbook in a worker to the same data as loadRunbook, positions and script files included', async () => {
    const path = join(dir, 'big.yaml');
    writeFileSync(path, bigRunbook('big'));
    const text = bigRunbook('big');
    expect(Buffer.byteLength(text)).toBeGreaterThan(ASIDE_BYTES);
    const aside = await loadRunbookAside(path, WORKER);
    const here = await loadRunbook(path);
    expect(aside.ok && here.ok).toBe(true);
    if (!aside.ok || !here.ok) return;
    // Parsed in the worker: the positions came as data, not as the in-place lazy getter.
    expect(positionsAsData(aside.runbook)).toBe(true);
    expect(positionsAsData(here.runbook)).toBe(false);
    expect(aside.runbook.runbook).toEqual(here.runbook.runbook);
    expect(aside.runbook.path).toBe(here.runbook.path);
    expect(aside.runbook.text).toBe(here.runbook.text);
    expect(aside.runbook.scriptFiles).toEqual(here.runbook.scriptFiles);
    expect([...aside.runbook.positions]).toEqual([...here.runbook.positions]);
    expect(aside.runbook.positions.get('/steps/0/hosts/39999')).toEqual({ line: 40_009, col: 9 });
  });

  it('reports the same positioned problems for a big broken runbook', async () => {
    const path = join(dir, 'broken.yaml');
    writeFileSync(path, bigRunbook('broken', ['    timeout: 3 fortnights', '    sript: x']));
    const aside = await loadRunbookAside(path, WORKER);
    const here = await loadRunbook(path);
    expect(aside.ok).toBe(false);
    expect(aside).toEqual(here);
  });

  it('loads in place when the worker fails, and for a missing file says what loadRunbook says', async () => {
    const path = join(dir, 'big2.yaml');
    writeFileSync(path, bigRunbook('big2'));
    const failing = join(dir, 'failing-worker.mjs');
    writeFileSync(failing, 'throw new Error("no worker today");\n');
    const aside = await loadRunbookAside(path, pathToFileURL(failing));
    expect(aside).toEqual(await loadRunbook(path));
    expect(aside.ok && positionsAsData(aside.runbook)).toBe(false);
    const missing = join(dir, 'missing.yaml');
    expect(await loadRunbookAside(missing, WORKER)).toEqual(await loadRunbook(missing));
  });

  it('loads a small runbook in place, one character and empty files included', async () => {
    for (const [name, text] of [
      ['empty.yaml', ''],
      ['one.yaml', 'x'],
    ]) {
      const path = join(dir, name!);
      writeFileSync(path, text!);
      expect(await loadRunbookAside(path, WORKER)).toEqual(await loadRunbook(path));
    }
  });
});
