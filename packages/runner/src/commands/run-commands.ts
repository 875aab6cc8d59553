/** The commands that plan, start or read runs, in one module: loaded together (see cli.ts). */
export { apply } from './apply.js';
export { logs } from './logs.js';
export { plan } from './plan.js';
export { report } from './report.js';
export { runs } from './runs.js';
