import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as Undici from 'undici';
import { describe, expect, it } from 'vitest';
import { agentClass } from './undici-parts.js';

const load = createRequire(import.meta.url);

describe('undici parts', () => {
  it("the Agent is undici's own, loaded from its module (not the fallback to the index)", () => {
    expect(agentClass()).toBe(Undici.Agent);
    expect(agentClass()).toBe(load('undici/lib/dispatcher/agent.js'));
  });

  it('loads a fraction of the modules of the index', () => {
    // Fresh processes: this file's own import of the index does not count there.
    const count = (code: string) =>
      Number(
        execFileSync(process.execPath, ['-e', `${code};console.log(Object.keys(require.cache).length)`], {
          cwd: new URL('..', import.meta.url).pathname,
          encoding: 'utf8',
        }).trim(),
      );
    const agent = count("require('undici/lib/dispatcher/agent.js')");
    const index = count("require('undici')");
    expect(agent).toBeGreaterThan(0);
    expect(agent * 3).toBeLessThan(index);
  });
});
