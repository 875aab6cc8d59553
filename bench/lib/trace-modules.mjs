// `node --import ./bench/lib/trace-modules.mjs …`: prints, at exit, the modules the process loaded
// (ESM and CommonJS), grouped by package, to stderr. The module graph at start-up, for lazy-loading work.
import { statSync } from 'node:fs';
import Module, { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

const seen = new Map();
const { port1, port2 } = new MessageChannel();
port1.on('message', ({ url, size }) => seen.set(url, size));
port1.unref();
register('./module-hooks.mjs', { parentURL: import.meta.url, data: { port: port2 }, transferList: [port2] });
const load = Module._load;
Module._load = function (...args) {
  const [request, parent, isMain] = args;
  const r = load.apply(this, args);
  try {
    const f = Module._resolveFilename(request, parent, isMain);
    if (!seen.has(f) && f.includes('/')) seen.set(f, statSync(f).size);
  } catch {}
  return r;
};
process.on('exit', () => {
  const groups = new Map();
  for (const [url, size] of seen) {
    if (url.startsWith('node:') || !url.includes('/')) continue;
    const deps = [...url.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)];
    const own = /packages\/([^/]+)/.exec(url);
    const key = deps.length ? deps.at(-1)[1] : own ? `@runbook/${own[1]}` : url;
    const g = groups.get(key) ?? { files: 0, bytes: 0 };
    g.files++;
    g.bytes += size;
    groups.set(key, g);
  }
  const rows = [...groups].sort((a, b) => b[1].files - a[1].files);
  process.stderr.write(`modules loaded: ${[...seen.keys()].filter((u) => u.includes('/')).length}\n`);
  for (const [k, g] of rows) {
    const kb = g.bytes ? ` ${(g.bytes / 1024).toFixed(0).padStart(5)} KiB` : '';
    process.stderr.write(`  ${String(g.files).padStart(4)} files${kb}  ${k}\n`);
  }
});
