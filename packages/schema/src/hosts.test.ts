import { describe, expect, it } from 'vitest';
import { isCmdbId, isIPv4, MAX_CMDB_ID, parseHostEntry, parseTopoNode } from './hosts.js';

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
    expect(parseHostEntry(5, 0)).toMatchObject({
      error: expect.stringContaining('a string, {cloud, ip} or {host_id}'),
    });
  });
});

describe('host ids', () => {
  it('reads {host_id} and refuses it with ip or cloud, or out of range', () => {
    expect(parseHostEntry({ host_id: 101 }, 3)).toEqual({ hostId: 101 });
    expect(parseHostEntry({ host_id: 101, ip: '10.0.0.1' }, 0)).toMatchObject({
      error: expect.stringContaining('not both'),
    });
    expect(parseHostEntry({ host_id: 101, cloud: 0 }, 0)).toMatchObject({
      error: expect.stringContaining('not both'),
    });
    for (const bad of [0, -1, 1.5, '101', MAX_CMDB_ID + 1])
      expect(parseHostEntry({ host_id: bad }, 0)).toMatchObject({
        error: expect.stringContaining('host_id'),
      });
    expect(isCmdbId(MAX_CMDB_ID)).toBe(true);
  });
});

describe('parseTopoNode', () => {
  it('reads NODE_TYPE:ID and {node_type, id}', () => {
    expect(parseTopoNode('module:12')).toEqual({ node_type: 'module', id: 12 });
    expect(parseTopoNode(' set:3 ')).toEqual({ node_type: 'set', id: 3 });
    expect(parseTopoNode({ node_type: 'biz', id: 2 })).toEqual({ node_type: 'biz', id: 2 });
  });

  it('names the wrong part, with "did you mean" for a near node type', () => {
    expect(parseTopoNode('modul:12')).toEqual({
      error: 'unknown topology node type "modul" in "modul:12"; did you mean "module"?',
    });
    expect(parseTopoNode({ node_type: 'rack', id: 1 })).toEqual({
      error: 'unknown topology node type "rack"; the node types are biz, set, module',
    });
    expect(parseTopoNode('set:0')).toMatchObject({
      error: expect.stringContaining('invalid topology node id 0'),
    });
    expect(parseTopoNode('set:1234567890123456')).toMatchObject({
      error: expect.stringContaining('node id'),
    });
    expect(parseTopoNode({ node_type: 'set', id: '3' })).toMatchObject({
      error: expect.stringContaining('"3"'),
    });
    expect(parseTopoNode('module')).toMatchObject({ error: expect.stringContaining('NODE_TYPE:ID') });
    expect(parseTopoNode(12)).toMatchObject({
      error: expect.stringContaining('NODE_TYPE:ID or {node_type, id}'),
    });
  });
});
