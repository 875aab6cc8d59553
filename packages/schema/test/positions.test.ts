import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../src/index.js';
import { positionWork, SourceText } from '../src/source.js';

/** The definition: a column is 1 + the code points between the line start and the offset. */
function naivePos(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const start = before.lastIndexOf('\n') + 1;
  const line = before.split('\n').length;
  const col = [...text.slice(start, offset)].length + 1;
  return { line, col };
}

const ip = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
const hostList = (n: number) => Array.from({ length: n }, (_, i) => ip(i));

/** A one-line JSON runbook; the emoji in the description makes every column count surrogate pairs. */
function oneLineJson(hosts: number): string {
  return JSON.stringify({
    version: 1,
    name: 'big',
    description: 'fan-out 🚀 across the fleet',
    biz: 2,
    defaults: { account: 'root' },
    steps: [{ name: 'uptime', hosts: hostList(hosts), script: 'uptime' }],
  });
}

/** Block YAML whose hosts are one flow sequence on one line, after CJK text and an emoji. */
function flowLine(hosts: number): string {
  return `version: 1\nname: big\ndescription: 全部主机 😀\nbiz: 2\ndefaults: {account: root}\nsteps:\n  - name: uptime\n    script: uptime\n    hosts: [${hostList(hosts).join(', ')}]\n`;
}

/** Positions of every node, and how many characters the position code scanned to compute them. */
function measure(text: string) {
  const res = parseRunbook(text, { path: 'big.yaml', checkFiles: false });
  if (!res.ok) throw new Error(JSON.stringify(res.issues.slice(0, 3)));
  const before = positionWork.scanned;
  const positions = res.runbook.positions;
  return { positions, scanned: positionWork.scanned - before };
}

describe('positions', () => {
  it('count columns in code points: tabs, CJK, emoji, CRLF, at every offset', () => {
    const text = 'a:\t"x"\r\nb: 你好 😀😀 c\n\n😀\t"end"\r\nlast';
    const src = new SourceText('x.yaml', text);
    for (let o = 0; o <= text.length; o++) {
      // An offset between the halves of a pair is not a position a node can have.
      const c = text.charCodeAt(o);
      if (c >= 0xdc00 && c <= 0xdfff) continue;
      expect([o, src.pos(o)]).toEqual([o, naivePos(text, o)]);
    }
    expect(src.line(2)).toBe('b: 你好 😀😀 c');
    expect(src.line(4)).toBe('😀\t"end"');
  });

  it('are right across checkpoints on a long line with pairs everywhere', () => {
    const text = `k: [${Array.from({ length: 500 }, (_, i) => `"${'😀'.repeat(i % 7)}x${i}"`).join(', ')}]\n`;
    const src = new SourceText('x.yaml', text);
    for (let o = 0; o <= text.length; o += 13) {
      const c = text.charCodeAt(o);
      if (c >= 0xdc00 && c <= 0xdfff) continue;
      expect([o, src.pos(o)]).toEqual([o, naivePos(text, o)]);
    }
  });

  it.each([
    ['a one-line JSON runbook', oneLineJson],
    ['block YAML whose hosts are one flow sequence on one line', flowLine],
  ])('of %s with 30,000 hosts cost work linear in its length', (_name, make) => {
    const small = measure(make(10_000));
    const big = measure(make(30_000));
    const text = make(30_000);
    expect(big.positions.size).toBeGreaterThan(30_000);
    // The last host is at the right column, counted in code points.
    const last = big.positions.get('/steps/0/hosts/29999')!;
    const at = text.lastIndexOf(ip(29_999)) - (make === oneLineJson ? 1 : 0);
    expect(last).toEqual(naivePos(text, at));
    // Each node costs at most two scans of less than 64 characters after one pass over the text.
    // Counting from the line start for each node, as before, scanned about 6 × 10^9 characters here.
    expect(big.scanned).toBeLessThanOrEqual(2 * text.length + 128 * big.positions.size);
    expect(big.scanned).toBeLessThan(12 * text.length);
    // Three times the hosts, about three times the work (quadratic work would be nine times).
    expect(big.scanned / small.scanned).toBeLessThan(3.5);
  });
});
