import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunRecord } from './types.js';
import { writeRecord } from './write-record.js';

/** Hosts whose JSON text counts how often it is made (`toJSON`), with multi-byte text in them. */
function countedHosts(n: number, made: { count: number }, log = 'logs/fan-out/all-hosts.log') {
  return Array.from({ length: n }, (_, i) => {
    const h = {
      ip: `10.0.${i >> 8}.${i & 255}`,
      cloud: 0,
      status: 9,
      exitCode: 0,
      tag: i % 3 === 0 ? 'ünïcødé 🙂' : '',
      log,
      logRange: [i * 40, 40],
    };
    return Object.freeze({
      ...h,
      toJSON() {
        made.count++;
        return h;
      },
    });
  });
}

/** Hosts enough for a record written in pieces (a small record is written as one text). */
const MANY = 3000;

function record(steps: Array<Record<string, unknown>>): RunRecord {
  return { version: 1, runId: 'r-1', state: 'running', note: '🙂 é', steps } as unknown as RunRecord;
}

/** What `JSON.stringify` writes, the texts it makes not counted. */
function text(r: RunRecord, made: { count: number }): string {
  const before = made.count;
  const t = `${JSON.stringify(r, null, 2)}\n`;
  made.count = before;
  return t;
}

describe('writeRecord', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'runbook-record-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const onDisk = () => readFileSync(join(dir, 'record.json'), 'utf8');

  it('copies a frozen long array from the previous save instead of making its text again, the file the same', () => {
    const made = { count: 0 };
    const hosts = Object.freeze(countedHosts(5000, made));
    const r = record([{ name: 'fan-out', state: 'running', hosts }]);
    writeRecord(dir, r);
    expect(made.count).toBe(5000);
    const steps = r.steps as unknown as Array<Record<string, unknown>>;
    steps[0]!.state = 'succeeded';
    steps.push({ name: 'ünïcødé after', state: 'pending' });
    (r as unknown as Record<string, unknown>).note = 'a longer note, so every byte after it moves: 🙂🙂🙂';
    writeRecord(dir, r);
    writeRecord(dir, r);
    expect(made.count).toBe(5000);
    expect(onDisk()).toBe(text(r, made));
  });

  it('makes the text of a long array that is not frozen at every save', () => {
    const made = { count: 0 };
    const hosts = countedHosts(MANY, made);
    const r = record([{ name: 'x', hosts }]);
    writeRecord(dir, r);
    writeRecord(dir, r);
    expect(made.count).toBe(2 * MANY);
    expect(onDisk()).toBe(text(r, made));
  });

  it('makes the text again when the array is another one, or now at another indentation', () => {
    const made = { count: 0 };
    const first = Object.freeze(countedHosts(MANY, made));
    const r = record([{ name: 'x', hosts: first }]);
    writeRecord(dir, r);
    const second = Object.freeze(countedHosts(MANY, made, 'logs/x/all-hosts-1.log'));
    (r.steps as unknown as Array<Record<string, unknown>>)[0]!.hosts = second;
    writeRecord(dir, r);
    expect(made.count).toBe(2 * MANY);
    expect(onDisk()).toBe(text(r, made));
    // The same array one level deeper: its lines are indented more, so not copied.
    (r.steps as unknown as Array<Record<string, unknown>>)[0]!.hosts = undefined;
    (r.steps as unknown as Array<Record<string, unknown>>)[0]!.deeper = { hosts: second };
    writeRecord(dir, r);
    expect(made.count).toBe(3 * MANY);
    expect(onDisk()).toBe(text(r, made));
  });

  it('makes the text again when the file on disk is no longer the one it wrote', () => {
    const made = { count: 0 };
    const hosts = Object.freeze(countedHosts(MANY, made));
    const r = record([{ name: 'x', hosts }]);
    writeRecord(dir, r);
    writeFileSync(join(dir, 'record.json'), '{}\n');
    writeRecord(dir, r);
    expect(made.count).toBe(2 * MANY);
    expect(onDisk()).toBe(text(r, made));
    rmSync(join(dir, 'record.json'));
    writeRecord(dir, r);
    expect(made.count).toBe(3 * MANY);
    expect(onDisk()).toBe(text(r, made));
  });

  it('writes a small record as one text at every save, the same text, and keeps nothing to copy', () => {
    const made = { count: 0 };
    const hosts = Object.freeze(countedHosts(200, made));
    const r = record([{ name: 'x', hosts }]);
    writeRecord(dir, r);
    writeRecord(dir, r);
    expect(made.count).toBe(400);
    expect(onDisk()).toBe(text(r, made));
    // Grown past the small size, it is written in pieces, and its frozen hosts copied from then on.
    const many = Object.freeze(countedHosts(MANY, made));
    (r.steps as unknown as Array<Record<string, unknown>>).push({ name: 'y', hosts: many });
    writeRecord(dir, r);
    writeRecord(dir, r);
    expect(made.count).toBe(400 + 200 + MANY);
    expect(onDisk()).toBe(text(r, made));
  });

  it('writes short frozen arrays, empty ones and one-element ones as JSON.stringify does', () => {
    const made = { count: 0 };
    const r = record([
      { name: '', hosts: Object.freeze([]) },
      { name: 'é', hosts: Object.freeze(countedHosts(1, made)) },
      { name: 'x', hosts: Object.freeze(countedHosts(63, made)) },
    ]);
    writeRecord(dir, r);
    writeRecord(dir, r);
    expect(onDisk()).toBe(text(r, made));
  });
});
