// Fallback when GNU time is not installed: loaded with `node --require`, writes this process's
// own getrusage() figures when it exits. Only the first node process of the tree writes them.
const fs = require('node:fs');

const KEY = 'BENCH_RUSAGE_FILE';
const file = process.env[KEY];
if (file) {
  delete process.env[KEY];
  process.on('exit', () => {
    fs.writeFileSync(file, JSON.stringify(process.resourceUsage()));
  });
}
