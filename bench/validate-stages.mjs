#!/usr/bin/env node
// Where validation time goes, in one process, without start-up or file reads: CPU time of the YAML
// parse alone versus the whole of `parseRunbook`, over the runbooks of the validation benchmark.
//   node bench/run.mjs --only validation --reps 1 && node bench/validate-stages.mjs
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { OUT, ROOT } from './lib/paths.mjs';

const { parseRunbook } = await import(`${ROOT}packages/schema/dist/index.js`);
const YAML = createRequire(`${ROOT}packages/schema/package.json`)('yaml');
const dir = `${OUT}validate/`;
const texts = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => readFileSync(dir + f, 'utf8'));
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const options = { uniqueKeys: true, prettyErrors: false, merge: true };
for (let round = 1; round <= 3; round++) {
  let c = cpu();
  for (const t of texts) YAML.parseAllDocuments(t, { ...options, lineCounter: new YAML.LineCounter() });
  const yamlMs = cpu() - c;
  c = cpu();
  let ok = 0;
  for (const t of texts) if (parseRunbook(t, { path: 'x.yaml', checkFiles: false }).ok) ok++;
  const allMs = cpu() - c;
  process.stdout.write(
    `round ${round}: ${texts.length} files; yaml parseAllDocuments ${yamlMs.toFixed(0)} ms CPU; parseRunbook ${allMs.toFixed(0)} ms CPU (${ok} valid); the rest ${(allMs - yamlMs).toFixed(0)} ms\n`,
  );
}
