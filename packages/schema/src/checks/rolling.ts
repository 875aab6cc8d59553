import type { CheckContext } from '../context.js';
import { parseDuration } from '../duration.js';
import { PAUSE_MAX, parseMaxFail, parseRollingExpr } from '../rolling.js';
import { offsetInValue } from '../source.js';
import { asArray, asObj, isObj, type Obj } from './util.js';

/** Checks what the schema cannot say about `rolling:` in `defaults` and in steps. */
export function checkRolling(ctx: CheckContext): void {
  const defaults = asObj(ctx.data.defaults);
  if (isObj(defaults.rolling)) checkOne(ctx, defaults.rolling, '/defaults/rolling');
  asArray(ctx.data.steps).forEach((step, i) => {
    if (!isObj(step)) return;
    const at = `/steps/${i}/rolling`;
    if (step.rolling === true) {
      ctx.report(
        'SCHEMA_ROLLING',
        'rolling: true says nothing about the batches; give rolling: { batch: "1 10% +10" }, or rolling: false to turn defaults.rolling off for this step',
        at,
      );
    } else if (isObj(step.rolling)) checkOne(ctx, step.rolling, at);
  });
}

function checkOne(ctx: CheckContext, rolling: Obj, at: string): void {
  const batch = rolling.batch;
  if (typeof batch === 'string' || (typeof batch === 'number' && Number.isInteger(batch))) {
    const parsed = parseRollingExpr(batch);
    if (!parsed.ok) {
      const pointer = `${at}/batch`;
      const part = parsed.part;
      if (typeof batch === 'string' && part) {
        // The part's offset inside the value: the n-th time its text appears among the parts before it.
        const words = batch.split(/[ \t]+/).filter((w) => w !== '');
        const nth = words.slice(0, part.index).filter((w) => w.includes(part.text)).length;
        ctx.reportAt(
          'SCHEMA_ROLLING',
          parsed.message,
          offsetInValue(ctx.doc, ctx.src.text, pointer, part.text, nth),
        );
      } else ctx.report('SCHEMA_ROLLING', parsed.message, pointer);
    }
  }
  // Integers out of range and strings of the wrong shape are the schema's to report.
  if (typeof rolling.max_fail === 'string' && /^[0-9]+%?$/.test(rolling.max_fail)) {
    const parsed = parseMaxFail(rolling.max_fail);
    if ('error' in parsed) ctx.report('SCHEMA_ROLLING', parsed.error, `${at}/max_fail`);
  }
  if (typeof rolling.pause === 'string') {
    const seconds = parseDuration(rolling.pause);
    if (seconds !== undefined && seconds > PAUSE_MAX) {
      ctx.report(
        'SCHEMA_ROLLING',
        `pause ${rolling.pause} is longer than ${PAUSE_MAX} s (24h); a step that waits a day between batches is better split in two runs`,
        `${at}/pause`,
      );
    }
  }
}
