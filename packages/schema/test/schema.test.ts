import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createAjv } from '../scripts/ajv.mjs';
import { runbookSchema, runbookSchemaText } from '../src/index.js';

// The build's output, loaded by URL so that typechecking does not need a build.
const DIST_VALIDATOR = new URL('../dist/schema-validator.js', import.meta.url).href;
const { validate: precompiled } = (await import(
  DIST_VALIDATOR
)) as typeof import('../src/schema-validator.js');

const SCHEMA_FILE = fileURLToPath(new URL('../../../schemas/runbook.schema.json', import.meta.url));
const CORPUS = fileURLToPath(new URL('./corpus/', import.meta.url));

describe('the JSON Schema', () => {
  it('is checked in exactly as the build emits it', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(runbookSchemaText());
  });

  it('is valid draft 2020-12 and compiles in ajv strict mode', () => {
    const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const ajv = createAjv();
    expect(ajv.validateSchema(schema), JSON.stringify(ajv.errors)).toBe(true);
    expect(() => ajv.compile(schema)).not.toThrow();
  });

  it('describes every property', () => {
    const missing: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (!node || typeof node !== 'object') return;
      const n = node as Record<string, unknown>;
      for (const key of ['properties', '$defs', 'patternProperties'] as const) {
        for (const [name, sub] of Object.entries((n[key] as Record<string, Record<string, unknown>>) ?? {})) {
          const ref = typeof sub.$ref === 'string' ? sub.$ref.replace('#/$defs/', '') : undefined;
          const target = ref ? (runbookSchema.$defs as Record<string, Record<string, unknown>>)[ref] : sub;
          if (typeof target?.description !== 'string' || target.description.length < 10) {
            missing.push(`${path}/${key}/${name}`);
          }
          walk(sub, `${path}/${key}/${name}`);
        }
      }
      for (const key of ['items', 'additionalProperties'] as const) walk(n[key], `${path}/${key}`);
    };
    walk(runbookSchema, '#');
    expect(missing).toEqual([]);
  });

  it('is precompiled into a validator that agrees with ajv at run time', () => {
    const runtime = createAjv().compile(runbookSchema);
    const docs = readdirSync(CORPUS)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => {
        try {
          return parse(readFileSync(join(CORPUS, f), 'utf8'));
        } catch {
          return undefined;
        }
      });
    expect(docs.filter((d) => d !== undefined).length).toBeGreaterThan(40);
    const summary = (errors: Array<{ instancePath: string; keyword: string }> | null | undefined) =>
      (errors ?? []).map((e) => `${e.instancePath} ${e.keyword}`).sort();
    for (const doc of docs) {
      expect(precompiled(doc)).toBe(runtime(doc));
      expect(summary(precompiled.errors)).toEqual(summary(runtime.errors));
    }
  });

  it('needs nothing from ajv at run time', () => {
    const code = readFileSync(fileURLToPath(new URL('../dist/schema-validator.js', import.meta.url)), 'utf8');
    expect(code).not.toMatch(/\brequire\(|\bimport\b/);
  });
});
