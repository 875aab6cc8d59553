import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64, encodeParams } from './encode.js';

describe('base64 helpers', () => {
  it("produce the seed's values", () => {
    expect(encodeBase64('echo $1')).toBe('ZWNobyAkMQ==');
    expect(encodeParams('hello')).toBe('aGVsbG8=');
  });

  it('encode the whole parameter string, not each argument', () => {
    expect(encodeParams(['param1', 'param2'])).toBe(encodeBase64('param1 param2'));
    expect(encodeParams('param1 param2')).not.toBe(encodeBase64('param1') + encodeBase64('param2'));
  });

  it('round-trip Chinese text as UTF-8', () => {
    const text = '轮转日志 --保留 7天';
    expect(encodeBase64(text)).toBe(Buffer.from(text, 'utf8').toString('base64'));
    expect(decodeBase64(encodeBase64(text))).toBe(text);
  });
});
