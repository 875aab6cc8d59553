import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadEmulatorConfig, parseEmulatorConfig, parseHostRef } from './config.js';

const EXAMPLE = `
apps:
  runbook: s3cret
users:
  admin: { permissions: all }
  viewer: { token: t0ken, permissions: [view_history] }
businesses:
  "2":
    accounts: [root, nginx]
    hosts:
      - { ip: 10.0.0.1 }
      - { ip: 10.0.0.2, cloud: 0, agent: offline }
      - { ip: 10.0.0.3, agent: not_installed, accounts: [root] }
    custom_queries:
      "3": ["0:10.0.0.2", "10.0.0.3"]
scripts:
  "1": { type: 1, content: "echo stored" }
exec: simulate
simulate: { durationMs: [100, 500], failRate: 0.05, agentErrorRate: 0, logLines: 4 }
`;

describe('emulator configuration', () => {
  it('reads the README example from a file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'emu-config-'));
    try {
      const file = join(dir, 'emulator.yaml');
      await writeFile(file, EXAMPLE);
      const c = await loadEmulatorConfig(file);
      expect(c.apps).toEqual({ runbook: 's3cret' });
      expect(c.businesses?.['2']?.hosts?.[1]).toEqual({ ip: '10.0.0.2', cloud: 0, agent: 'offline' });
      expect(c.scripts?.['1']).toEqual({ type: 1, content: 'echo stored' });
      expect(c.exec).toBe('simulate');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads emulator.example.yaml, the README example', async () => {
    const c = await loadEmulatorConfig(fileURLToPath(new URL('../emulator.example.yaml', import.meta.url)));
    expect(Object.keys(c)).toEqual(['job', 'apps', 'users', 'businesses', 'scripts', 'exec', 'simulate']);
    expect(c.job).toEqual({ generation: 2 });
    expect(c.businesses?.['2']?.hosts?.[4]).toEqual({ ip: '10.0.0.5', status: 301 });
    expect(c.businesses?.['2']?.custom_queries?.['3']).toEqual(['0:10.0.0.2', '10.0.0.3']);
    expect(c.users?.viewer?.permissions).toEqual([]);
  });

  it('an empty file is the permissive default', () => {
    expect(parseEmulatorConfig('')).toEqual({});
  });

  it.each([
    ['apps: [a]', /apps must map/],
    ['appz: {}', /appz is not a known key/],
    ['businesses: { x: {} }', /positive integer id/],
    ['businesses: { "1": { hosts: [{ ip: 10.0.0.256 }] } }', /hosts\[0\]\.ip must be an IPv4/],
    ['businesses: { "1": { hosts: [{ ip: 10.0.0.1, agent: dead }] } }', /agent must be/],
    ['businesses: { "1": { custom_queries: { "3": ["nope"] } } }', /not "cloud:ip"/],
    ['scripts: { "1": { type: 9, content: x } }', /type must be 1..5/],
    ['users: { a: { permissions: some } }', /permissions must be/],
    ['exec: remote', /exec must be/],
    ['simulate: { failRate: 2 }', /failRate must be 0..1/],
    ['simulate: { durationMs: [1] }', /durationMs/],
    ['a: [', /not valid YAML/],
    ['job: { generation: 4 }', /job\.generation must be 2 or 3/],
    ['job: { bizIdCompatible: "no" }', /job\.bizIdCompatible must be true or false/],
    ['businesses: { "5": { type: set } }', /businesses\.5\.type must be biz or biz_set/],
    ['job: { version: 3 }', /job\.version is not a known key/],
    ['job: { callbackAllowList: ["ftp://x/"] }', /not an http\(s\) base URL/],
    ['job: { callbackAllowList: ["https://u@x/"] }', /not an http\(s\) base URL/],
    ['businesses: { "1": { hosts: [{ ip: 10.0.0.1, status: 7 }] } }', /status must be a final host status/],
  ])('refuses %j', (text, message) => {
    expect(() => parseEmulatorConfig(text, 'test.yaml')).toThrow(message);
    try {
      parseEmulatorConfig(text);
    } catch (err) {
      expect(err).toMatchObject({ name: 'EmulatorConfigError', code: 'EMULATOR_CONFIG_INVALID' });
    }
  });

  it('a missing file names the path', async () => {
    await expect(loadEmulatorConfig('/nonexistent/emulator.yaml')).rejects.toThrow(
      /\/nonexistent\/emulator\.yaml/,
    );
  });

  it('host references: "cloud:ip" or "ip"', () => {
    expect(parseHostRef('2:10.0.0.1')).toEqual({ cloud: 2, ip: '10.0.0.1' });
    expect(parseHostRef('10.0.0.1')).toEqual({ cloud: 0, ip: '10.0.0.1' });
    expect(parseHostRef('a:10.0.0.1')).toBeUndefined();
  });
});
