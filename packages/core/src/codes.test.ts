import { describe, expect, it } from 'vitest';
import { mapCode, refusedHosts } from './codes.js';

const env = (code: number, message: string) => ({ result: false, code, message, data: null });

describe("JOB's refusal of hosts", () => {
  it('reads the hosts of the last bracket of the message', () => {
    expect(refusedHosts('主机无效，业务[2]下；无效的2台主机：[0:10.0.0.9, 0:10.0.0.8]')).toEqual([
      '0:10.0.0.9',
      '0:10.0.0.8',
    ]);
    expect(refusedHosts('执行对象列表[1:10.0.0.1，host_id:5]')).toEqual(['1:10.0.0.1', 'host_id:5']);
    expect(refusedHosts('no list here')).toBeUndefined();
    expect(refusedHosts('empty []')).toBeUndefined();
    expect(refusedHosts('')).toBeUndefined();
  });

  it('names them first in the hint (1244002: other business; 1244030: not in CMDB)', () => {
    const outside = mapCode(
      { call: 'fast_execute_script', bizId: 2 },
      env(1244002, '无效的1台主机：[0:10.9.9.9]'),
    );
    expect(outside.code).toBe('CORE_BAD_REQUEST');
    expect(outside.hint).toMatch(/^JOB refused this host: 0:10\.9\.9\.9; it is not in business 2 in CMDB/);
    const missing = mapCode({ call: 'fast_execute_script' }, env(1244030, '执行对象列表[a,b,c]'));
    expect(missing.hint).toMatch(/^JOB refused these 3 hosts: a, b, c; CMDB/);
    const unnamed = mapCode({ call: 'fast_execute_script', bizId: 2 }, env(1244002, 'bad hosts'));
    expect(unnamed.hint).toMatch(/^they are not in business 2/);
  });
});
