#!/usr/bin/env node
// Bundles the compiled CLI (dist/, from tsc) and the workspace packages it imports into bundle/,
// which bin/runbook.js loads. Why: Node 20 loads an ES module graph file by file (resolve, read,
// compile, link: ~290 modules for `runbook apply --local`), which cost every command about 100 ms of
// start-up, and the TUI's Ink imports a 400-module index for one function. One bundle, split at the
// CLI's dynamic imports so a command loads only its own code, removes that.
//
// - Code splitting keeps the lazy commands and the TUI lazy: `runbook validate` never parses Ink.
// - The worker threads are entry points of their own, next to the chunks: their modules find them
//   with `new URL('./x-worker.js', import.meta.url)`, which stays relative to the chunk's folder.
// - undici stays outside: @runbook/core loads single undici files with `require` (see
//   undici-parts.ts), which a bundler cannot follow; undici is a dependency of this package.
// - Not minified: stack traces and profiles keep their names.
// - The licences of the bundled packages are written to bundle/THIRD-PARTY-LICENSES.txt.
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'bundle');
const schemaDist = join(root, 'node_modules', '@runbook', 'schema', 'dist');

await rm(out, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: {
    cli: 'dist/cli.js',
    'load-aside-worker': 'dist/plan/load-aside-worker.js',
    'validate-worker': join(schemaDist, 'validate-worker.js'),
  },
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Ink loads React's devtools only when DEV=true is set; it is not a dependency.
  external: ['undici', 'react-devtools-core'],
  // CommonJS modules in the bundle (React, the reconciler) call require() for Node's own modules.
  banner: {
    js: "import { createRequire as __runbookRequire } from 'node:module'; const require = __runbookRequire(import.meta.url);",
  },
  logLevel: 'warning',
  legalComments: 'none',
  metafile: true,
});
await writeFile(join(out, 'THIRD-PARTY-LICENSES.txt'), await licences(Object.keys(result.metafile.inputs)));

/** The name, version, licence and licence text of every package outside this workspace in the bundle. */
async function licences(inputs) {
  const dirs = new Set();
  for (const input of inputs) {
    const at = input.split('/'); // esbuild names inputs relative to absWorkingDir, with slashes
    const i = at.lastIndexOf('node_modules');
    if (i < 0) continue;
    const name = at[i + 1].startsWith('@') ? at.slice(i + 1, i + 3) : at.slice(i + 1, i + 2);
    if (name[0] === '@runbook') continue;
    dirs.add(join(root, ...at.slice(0, i + 1), ...name));
  }
  const parts = [];
  for (const dir of [...dirs].sort()) {
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    const file = (await readdir(dir)).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    const text = file
      ? await readFile(join(dir, file), 'utf8')
      : `(no licence file; package.json says ${pkg.license})`;
    parts.push(`${pkg.name} ${pkg.version} (${pkg.license})\n\n${text.trim()}\n`);
  }
  return `Packages bundled into bundle/, with their licences.\n\n${parts.join(`\n${'-'.repeat(72)}\n\n`)}`;
}
