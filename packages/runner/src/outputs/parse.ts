import { OUTPUT_NAME } from '@runbook/schema';

/** The most distinct outputs one host sets in one step; later new names are ignored (and said). */
export const MAX_OUTPUTS_PER_HOST = 64;
/** The longest output name. */
export const MAX_OUTPUT_NAME = 64;
/** The longest output value, in UTF-16 units; a longer one is ignored (and said), never cut. */
export const MAX_OUTPUT_VALUE = 4096;

const DIRECTIVE = '::output ';
const SOPS_OPEN = '<SOPS_VAR>';
const SOPS_CLOSE = '</SOPS_VAR>';

export interface ParsedOutputs {
  /** Output values by name: the last one printed wins. */
  outputs: Record<string, string>;
  /** What was printed but not taken, for a person: bad names, values over the limit, too many names. */
  problems: string[];
}

/**
 * Reads the outputs a host printed in its log: lines `::output NAME=VALUE` (spaces before `::` allowed;
 * VALUE is the rest of the line) and, for scripts written for bk-sops, `<SOPS_VAR>NAME:VALUE</SOPS_VAR>`
 * anywhere in a line. Linear in the log's length; never throws.
 */
export function parseOutputs(log: string): ParsedOutputs {
  const values = new Map<string, string>();
  const problems: string[] = [];
  const problem = (text: string) => {
    if (problems.length < 10) problems.push(text);
  };
  const set = (name: string, value: string) => {
    if (name.length > MAX_OUTPUT_NAME || !OUTPUT_NAME.test(name) || name === '__proto__') {
      problem(
        `output name ${JSON.stringify(cut(name))} is not a variable name (letters, digits, _); ignored`,
      );
      return;
    }
    if (value.length > MAX_OUTPUT_VALUE) {
      problem(`output ${name} is ${value.length} characters long, over ${MAX_OUTPUT_VALUE}; ignored`);
      return;
    }
    if (!values.has(name) && values.size >= MAX_OUTPUTS_PER_HOST) {
      problem(`more than ${MAX_OUTPUTS_PER_HOST} outputs; ${name} ignored`);
      return;
    }
    values.delete(name); // keeps the order of the last setting
    values.set(name, value);
  };
  let at = 0;
  while (at <= log.length) {
    const nl = log.indexOf('\n', at);
    const end = nl < 0 ? log.length : nl;
    let line = log.slice(at, end);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    readLine(line, set, problem);
    if (nl < 0) break;
    at = nl + 1;
  }
  return { outputs: Object.fromEntries(values), problems };
}

function readLine(
  line: string,
  set: (name: string, value: string) => void,
  problem: (text: string) => void,
): void {
  const lead = line.length - line.trimStart().length;
  if (line.startsWith(DIRECTIVE, lead)) {
    const rest = line.slice(lead + DIRECTIVE.length);
    const eq = rest.indexOf('=');
    if (eq > 0) set(rest.slice(0, eq).trim(), rest.slice(eq + 1));
    else problem(`"::output ${cut(rest.trim())}" has no "=": write ::output NAME=VALUE; ignored`);
    return;
  }
  let from = 0;
  for (;;) {
    const open = line.indexOf(SOPS_OPEN, from);
    if (open < 0) return;
    const close = line.indexOf(SOPS_CLOSE, open + SOPS_OPEN.length);
    if (close < 0) return;
    const body = line.slice(open + SOPS_OPEN.length, close);
    const colon = body.indexOf(':');
    if (colon > 0) set(body.slice(0, colon), body.slice(colon + 1));
    from = close + SOPS_CLOSE.length;
  }
}

const cut = (s: string) => (s.length > 40 ? `${s.slice(0, 37)}...` : s);
