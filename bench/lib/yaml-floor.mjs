// The floor of validation: the `yaml` library's own parseDocument over the same files, in one warm
// process on one thread. Prints the wall time (ms) of one timed pass after a warm-up pass.
//   node bench/lib/yaml-floor.mjs FILE...
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ROOT } from './paths.mjs';

const YAML = createRequire(`${ROOT}packages/schema/package.json`)('yaml');
const texts = process.argv.slice(2).map((f) => readFileSync(f, 'utf8'));
const pass = () => {
  const t0 = performance.now();
  for (const t of texts) YAML.parseDocument(t);
  return performance.now() - t0;
};
pass(); // warm-up: the parser's code compiled and optimised
process.stdout.write(`${JSON.stringify({ wallMs: pass(), files: texts.length })}\n`);
