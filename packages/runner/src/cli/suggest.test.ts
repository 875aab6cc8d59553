import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { didYouMean, optionSpellings, unknownOption } from './suggest.js';

const OPTIONS = {
  json: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
} as const;

/** The error `node:util` parseArgs throws for these arguments. */
function parseError(args: string[]): unknown {
  try {
    parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    return err;
  }
  throw new Error(`no error for ${args.join(' ')}`);
}

const message = (args: string[]) => unknownOption(parseError(args), optionSpellings(OPTIONS), args);

describe('command-line suggestions', () => {
  it('names the unknown option and the near one', () => {
    expect(message(['--jsn'])).toBe('unknown option --jsn; did you mean --json?');
    expect(message(['--jsno=1'])).toBe('unknown option --jsno; did you mean --json?');
    expect(message(['--no-colour'])).toBe('unknown option --no-colour; did you mean --no-color?');
    expect(message(['-json'])).toBe('unknown option -json; did you mean --json?');
    expect(message(['-yes'])).toBe('unknown option -yes; did you mean --yes?');
    expect(message(['-x'])).toBe('unknown option -x');
    expect(message(['--zzzz'])).toBe('unknown option --zzzz');
  });

  it('leaves other parse errors alone', () => {
    let err: unknown;
    try {
      parseArgs({ args: ['--yes=1'], options: OPTIONS, strict: true });
    } catch (e) {
      err = e;
    }
    expect(err).toBeDefined();
    expect(unknownOption(err, optionSpellings(OPTIONS))).toBeUndefined();
  });

  // Bounded by the test's own timeout, as schema's regression of a 300 KB script_file name.
  it('a 300 KB word is shortened in the message and never compared in full', () => {
    const huge = 'x'.repeat(300_000);
    const steps = Array.from({ length: 2_000 }, (_, k) => `step-${k}`);
    expect(didYouMean(huge, steps)).toBe('');
    expect(didYouMean('step-7x', steps)).toBe('; did you mean step-7?');
    const text = message([`--${huge}`])!;
    expect(text.length).toBeLessThan(120);
    expect(text).toMatch(/^unknown option --x+\.\.\.$/);
  }, 5_000);

  it('one character, empty, unicode look-alikes', () => {
    expect(didYouMean('a', ['apply', 'plan'])).toBe('');
    expect(didYouMean('', ['apply', 'plan'])).toBe('');
    expect(didYouMean('\u0440lan', ['apply', 'plan'])).toBe('; did you mean plan?');
    expect(didYouMean('步骤', ['步驟'])).toBe('; did you mean 步驟?');
  });
});
