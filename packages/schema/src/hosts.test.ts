import { describe, expect, it } from 'vitest';
import { isIPv4, parseHostEntry } from './hosts.js';

describe('isIPv4', () => {
  it('accepts dotted quads and rejects the rest', () => {
    for (const ok of ['0.0.0.0', '10.0.0.1', '255.255.255.255', '127.0.0.1']) expect(isIPv4(ok)).toBe(true);
    for (const bad of ['256.0.0.1', '10.0.0', '10.0.0.1.2', '01.0.0.1', 'a.b.c.d', '', '1..2.3', ' 1.2.3.4'])
      expect(isIPv4(bad)).toBe(false);
  });
});

describe('parseHostEntry', () => {
  it('reads every form', () => {
    expect(parseHostEntry('10.0.0.1', 3)).toEqual({ cloud: 3, ip: '10.0.0.1' });
    expect(parseHostEntry('0:10.0.0.1', 3)).toEqual({ cloud: 0, ip: '10.0.0.1' });
    expect(parseHostEntry({ cloud: 2, ip: '10.0.0.3' }, 0)).toEqual({ cloud: 2, ip: '10.0.0.3' });
    expect(parseHostEntry({ ip: '10.0.0.3' }, 7)).toEqual({ cloud: 7, ip: '10.0.0.3' });
    expect(parseHostEntry('web', 0)).toEqual({ group: 'web' });
    expect(parseHostEntry('db_primary-1', 0)).toEqual({ group: 'db_primary-1' });
  });

  it('explains bad entries', () => {
    expect(parseHostEntry('10.0.0.300', 0)).toEqual({ error: 'invalid IPv4 address "10.0.0.300"' });
    expect(parseHostEntry('x:10.0.0.1', 0)).toMatchObject({
      error: expect.stringContaining('invalid cloud id "x"'),
    });
    expect(parseHostEntry('0:10.0.0', 0)).toMatchObject({
      error: expect.stringContaining('invalid IPv4 address "10.0.0"'),
    });
    expect(parseHostEntry({ cloud: -1, ip: '10.0.0.1' }, 0)).toMatchObject({
      error: expect.stringContaining('cloud id -1'),
    });
    expect(parseHostEntry({ ip: 'nope' }, 0)).toMatchObject({ error: expect.stringContaining('IPv4') });
    expect(parseHostEntry('a b', 0)).toMatchObject({ error: expect.stringContaining('neither') });
    expect(parseHostEntry(5, 0)).toMatchObject({ error: expect.stringContaining('string or {cloud, ip}') });
  });
});
