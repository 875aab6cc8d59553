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
    expect(c.businesses?.['2']?.topology?.['3']?.['12']).toEqual([101, '10.0.0.2']);
    expect(c.businesses?.['2']?.hosts?.[0]).toEqual({ ip: '10.0.0.1', bk_host_id: 101 });
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
    [
      'businesses: { "1": { hosts: [{ ip: 10.0.0.1, bk_host_id: 0 }] } }',
      /hosts\[0\]\.bk_host_id must be an integer >= 1/,
    ],
    [
      'businesses: { "1": { hosts: [{ ip: 10.0.0.1, bk_host_id: 7 }] }, "2": { hosts: [{ ip: 10.0.0.2, bk_host_id: 7 }] } }',
      /businesses\.2\.hosts\[0\]\.bk_host_id 7 is already the id of host 0:10\.0\.0\.1/,
    ],
    [
      'businesses: { "1": { hosts: [{ ip: 10.0.0.2, bk_host_id: 167772161 }, { ip: 10.0.0.1 }] } }',
      /already the id of host 0:10\.0\.0\.2/,
    ],
    ['businesses: { "1": { custom_queries: { "3": [1.5] } } }', /not "cloud:ip", "ip" or a host id/],
    [
      'businesses: { "1": { topology: { "x": {} } } }',
      /topology\.x must be keyed by a positive integer set id/,
    ],
    ['businesses: { "1": { topology: { "3": { "12": "10.0.0.1" } } } }', /topology\.3\.12 must be a list/],
    ['businesses: { "1": { topology: { "3": { "12": ["10.0.0.999"] } } } }', /topology\.3\.12 has an entry/],
    ['businesses: { "1": { account_ids: { "a": root } } }', /account_ids\.a must map a positive integer id/],
    ['scripts: { "a b": { type: 1, content: x } }', /must be keyed by an id of letters/],
    ['scripts: { "s1": { type: 1, content: x, versionId: -1 } }', /versionId must be an integer >= 1/],
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

  it('host ids, topology, dynamic groups with host ids, account ids, v3 script ids', () => {
    const c = parseEmulatorConfig(`
businesses:
  "2":
    hosts: [{ ip: 10.0.0.1, bk_host_id: 101 }, { ip: 10.0.0.2 }]
    custom_queries: { blo8gojho0skft7pr5q0: [101, "0:10.0.0.2"] }
    topology: { "3": { "12": [101], "13": ["10.0.0.2"] } }
    account_ids: { "1000": root }
  "3":
    hosts: [{ ip: 10.0.0.2 }]
scripts:
  a1b2c3: { type: 1, content: "echo", versionId: 1001 }
`);
    expect(c.businesses?.['2']?.topology?.['3']?.['12']).toEqual([101]);
    expect(c.businesses?.['2']?.custom_queries?.blo8gojho0skft7pr5q0).toEqual([101, '0:10.0.0.2']);
    expect(c.scripts?.a1b2c3?.versionId).toBe(1001);
  });

  it('host references: "cloud:ip" or "ip"', () => {
    expect(parseHostRef('2:10.0.0.1')).toEqual({ cloud: 2, ip: '10.0.0.1' });
    expect(parseHostRef('10.0.0.1')).toEqual({ cloud: 0, ip: '10.0.0.1' });
    expect(parseHostRef('a:10.0.0.1')).toBeUndefined();
  });
});
