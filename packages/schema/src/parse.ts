import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { type Document, isMap, isSeq, type Node, parseAllDocuments } from 'yaml';
import { reportSchemaErrors } from './ajv-errors.js';
import { checkExpressions } from './checks/expressions.js';
import { checkScriptFiles, type ScriptFile } from './checks/files.js';
import { checkLimits } from './checks/limits.js';
import { checkRolling } from './checks/rolling.js';
import { checkStepFlow } from './checks/step-refs.js';
import { checkSteps } from './checks/steps.js';
import { checkVars } from './checks/vars.js';
import { CheckContext } from './context.js';
import {
  TOO_DEEP,
  TOO_DEEP_MESSAGE,
  TOO_MANY_ANCHORS_MESSAGE,
  tooDeepAt,
  tooManyAnchorsAt,
} from './depth.js';
import { validate } from './schema-validator.js';
import { joinPointer, SourceText } from './source.js';
import type { Issue, LoadedRunbook, ParseResult, Runbook, SourcePos } from './types.js';

export interface ParseOptions {
  /** File path used in messages; relative `script_file`s start from its directory. Default `<input>`. */
  path?: string;
  /** Check `script_file`s on disk (default true). */
  checkFiles?: boolean;
}

const YAML_MESSAGES: Record<string, (found: string) => string> = {
  DUPLICATE_KEY: (k) => `duplicate key ${JSON.stringify(k)}; a key may appear only once in a mapping`,
  TAB_AS_INDENT: () => 'a tab is used for indentation; YAML allows only spaces there',
};

/** The key written at an offset: `name`, `"name"` or `'name'`, up to its colon. */
function keyAt(text: string, offset: number): string {
  const nl = text.indexOf('\n', offset);
  const line = text.slice(offset, nl < 0 ? undefined : nl);
  const m = /^(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|([^:#]*?))\s*:/.exec(line);
  return m ? (m[1] ?? m[2]?.replace(/''/g, "'") ?? m[3] ?? '') : line.trim();
}

function yamlIssues(src: SourceText, doc: Document): Issue[] {
  // Once the parser gave up, later errors are its consequences and vary with the stack size: report one.
  const deep = doc.errors.find((e) => TOO_DEEP.test(e.message));
  if (deep) return [src.issue('SCHEMA_YAML', TOO_DEEP_MESSAGE, tooDeepAt(src.text, true) ?? deep.pos[0])];
  return doc.errors.map((e) => {
    const found = keyAt(src.text, e.pos[0]);
    const rewrite = YAML_MESSAGES[e.code];
    const message = rewrite
      ? rewrite(found)
      : `YAML: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`;
    return src.issue(e.code === 'DUPLICATE_KEY' ? 'SCHEMA_DUPLICATE_KEY' : 'SCHEMA_YAML', message, e.pos[0]);
  });
}

const sortIssues = (issues: Issue[], main: string): Issue[] => {
  const seen = new Set<string>();
  return issues
    .filter((i) => {
      const k = `${i.file}:${i.line}:${i.col}:${i.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => Number(a.file !== main) - Number(b.file !== main) || a.line - b.line || a.col - b.col);
};

const empty = (src: SourceText): Issue =>
  src.issue('SCHEMA_EMPTY', 'the file is empty; a runbook needs version, name, biz (or scope) and steps', 0);

/** Parses and checks a runbook's text: YAML, the JSON Schema, then every semantic rule. Never throws. */
export function parseRunbook(input: string, options: ParseOptions = {}): ParseResult {
  const file = options.path ?? '<input>';
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const src = new SourceText(file, text);
  const deepAt = tooDeepAt(text);
  if (deepAt !== undefined)
    return { ok: false, issues: [src.issue('SCHEMA_YAML', TOO_DEEP_MESSAGE, deepAt)] };
  const anchorsAt = tooManyAnchorsAt(text);
  if (anchorsAt !== undefined)
    return { ok: false, issues: [src.issue('SCHEMA_YAML', TOO_MANY_ANCHORS_MESSAGE, anchorsAt)] };
  // logLevel 'error': the YAML library must not print warnings (a collection used as a key) on stderr.
  const docs = parseAllDocuments(text, {
    uniqueKeys: true,
    prettyErrors: false,
    merge: true,
    logLevel: 'error',
  });
  const first = Array.isArray(docs) ? docs[0] : undefined;
  if (!first || (first.contents === null && first.errors.length === 0)) {
    return { ok: false, issues: [empty(src)] };
  }
  const issues = yamlIssues(src, first);
  if (docs.length > 1) {
    const second = docs[1]!;
    const at = text.lastIndexOf('---', second.contents?.range?.[0] ?? second.range[0]);
    issues.push(
      src.issue(
        'SCHEMA_MULTI_DOC',
        'a runbook file holds one YAML document; remove this second one',
        Math.max(0, at),
      ),
    );
  }
  // A duplicate key or a second document leaves a usable first document: check it too, all at once.
  const recoverable = first.errors.every((e) => e.code === 'DUPLICATE_KEY');
  if (issues.length > 0 && !recoverable) return { ok: false, issues: sortIssues(issues, file) };

  let value: unknown;
  try {
    value = first.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    const message = (err as Error).message;
    const deep = TOO_DEEP.test(message);
    const issue = src.issue(
      'SCHEMA_YAML',
      deep ? TOO_DEEP_MESSAGE : `YAML: ${message}`,
      deep ? (tooDeepAt(text, true) ?? 0) : 0,
    );
    return { ok: false, issues: [issue] };
  }
  if (value === null || value === undefined)
    return { ok: false, issues: issues.length ? issues : [empty(src)] };
  if (typeof value !== 'object' || Array.isArray(value)) {
    const kind = Array.isArray(value) ? 'a list' : 'a single value';
    const message = `a runbook must be a mapping with version, name, biz (or scope) and steps, not ${kind}`;
    issues.push(src.issue('SCHEMA_TYPE', message, first.contents?.range?.[0] ?? 0));
    return { ok: false, issues: sortIssues(issues, file) };
  }
  const baseDir = dirname(resolve(file === '<input>' ? 'runbook.yaml' : file));
  const ctx = new CheckContext(first, value as Record<string, unknown>, src, baseDir);
  ctx.issues.push(...issues);
  if (!validate(value)) reportSchemaErrors(ctx, validate.errors ?? []);
  checkSteps(ctx);
  checkRolling(ctx);
  checkVars(ctx);
  checkExpressions(ctx);
  checkStepFlow(ctx);
  const scriptFiles = options.checkFiles === false ? new Map() : checkScriptFiles(ctx);
  checkLimits(ctx, scriptFiles);
  if (ctx.issues.length > 0) return { ok: false, issues: sortIssues(ctx.issues, file) };
  const loaded = new Loaded(value as Runbook, file, text, scriptFiles, first, src);
  return { ok: true, runbook: loaded };
}

/**
 * A valid runbook. Positions are only needed by a plan: computed on first use, so that validating many
 * files stays fast. A getter of the class, not one defined on each object: a getter closure per object
 * gives each its own hidden class, and those keep every parsed document alive until a full collection.
 */
class Loaded implements LoadedRunbook {
  #positions: Map<string, SourcePos> | undefined;
  /** Let go once the positions are read from it: a runbook listing 50,000 hosts keeps a node per host otherwise, for the whole run. */
  #doc: Document | undefined;
  readonly #src: SourceText;
  constructor(
    public runbook: Runbook,
    public path: string,
    public text: string,
    public scriptFiles: Map<number, ScriptFile>,
    doc: Document,
    src: SourceText,
  ) {
    this.#doc = doc;
    this.#src = src;
  }

  get positions(): Map<string, SourcePos> {
    if (!this.#positions) {
      this.#positions = new Map();
      collectPositions(this.#doc?.contents as Node, '', this.#positions, this.#src);
      this.#doc = undefined;
    }
    return this.#positions;
  }
}

function readIssue(path: string, err: unknown): ParseResult {
  const code = (err as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (err as Error).message;
  const message = `cannot read the runbook: ${reason}`;
  return { ok: false, issues: [{ code: 'SCHEMA_READ', message, file: path, line: 1, col: 1 }] };
}

/** Reads a runbook file and parses it. */
export async function loadRunbook(
  path: string,
  options: Omit<ParseOptions, 'path'> = {},
): Promise<ParseResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    return readIssue(path, err);
  }
  return parseRunbook(text, { ...options, path });
}

/** `loadRunbook` without the event loop: for a CLI checking many files in a row. */
export function loadRunbookSync(path: string, options: Omit<ParseOptions, 'path'> = {}): ParseResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return readIssue(path, err);
  }
  return parseRunbook(text, { ...options, path });
}

function collectPositions(
  node: Node | null | undefined,
  pointer: string,
  out: Map<string, SourcePos>,
  src: SourceText,
): void {
  if (!node) return;
  if (node.range) out.set(pointer, src.pos(node.range[0]));
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = String((pair.key as { value?: unknown } | null)?.value ?? pair.key);
      collectPositions(pair.value as Node, joinPointer(pointer, key), out, src);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      collectPositions(item as Node, `${pointer}/${i}`, out, src);
    });
  }
}
