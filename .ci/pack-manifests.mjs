// Checks the package.json of each tarball given (called by .ci/pack-check): a package a user installs
// is not private, names its Node engine, ships every file its bin and exports name and its README,
// and depends on no workspace-only path; a dependency on one of the set is on the version packed.
import { execFileSync } from 'node:child_process';

const tarballs = process.argv.slice(2);
const packed = new Map();
const problems = [];
for (const tgz of tarballs) {
  const files = new Set(
    execFileSync('tar', ['-tzf', tgz], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((f) => f.replace(/^package\//, '')),
  );
  const pkg = JSON.parse(execFileSync('tar', ['-xzOf', tgz, 'package/package.json'], { encoding: 'utf8' }));
  packed.set(pkg.name, { pkg, files, tgz });
}
const targets = (value) =>
  typeof value === 'string' ? [value] : Object.values(value ?? {}).flatMap((v) => targets(v));
const has = (files, path) => files.has(path.replace(/^\.\//, ''));
for (const [name, { pkg, files, tgz }] of packed) {
  const bad = (what) => problems.push(`${tgz} (${name}): ${what}`);
  if (pkg.private) bad('is private');
  if (!pkg.engines?.node) bad('names no Node engine');
  if (!has(files, 'README.md')) bad('has no README.md');
  for (const t of [...targets(pkg.bin), ...targets(pkg.exports)]) if (!has(files, t)) bad(`ships no ${t}`);
  for (const [dep, spec] of Object.entries({ ...pkg.dependencies, ...pkg.peerDependencies })) {
    if (/^(workspace|file|link|portal):/.test(spec))
      bad(`depends on ${dep}@${spec}, a path only this repository has`);
    const sibling = packed.get(dep);
    if (dep.startsWith('@runbook/') && sibling === undefined) bad(`depends on ${dep}, which was not packed`);
    if (sibling && spec !== sibling.pkg.version)
      bad(`depends on ${dep}@${spec}, packed at ${sibling.pkg.version}`);
  }
}
if (!packed.has('@runbook/runner')) problems.push('@runbook/runner was not packed');
if (problems.length > 0) {
  console.error(`pack-check: ${problems.join('\npack-check: ')}`);
  process.exit(1);
}
console.log(`pack-check: ${[...packed.keys()].join(', ')}: manifests ok`);
