import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadRunbook } from '../src/index.js';

const RUNBOOKS = fileURLToPath(new URL('../../../runbooks/', import.meta.url));
const MODELINE = '# yaml-language-server: $schema=../schemas/runbook.schema.json';
// Runbooks are the YAML files there that are not configuration (`*.local.yaml` configures the emulator).
const examples = readdirSync(RUNBOOKS).filter((f) => f.endsWith('.yaml') && !f.endsWith('.local.yaml'));

describe('the example runbooks', () => {
  it('exist', () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  it.each(examples)('%s carries the schema modeline and validates clean', async (file) => {
    const path = join(RUNBOOKS, file);
    expect(readFileSync(path, 'utf8').split('\n')[0]).toBe(MODELINE);
    const res = await loadRunbook(path);
    expect(res.ok ? [] : res.issues).toEqual([]);
  });
});
