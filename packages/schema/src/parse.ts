import { readFile } from 'node:fs/promises';
import { isMap, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { Issue, ParseResult, Runbook, SourcePos } from './types.js';

export interface ParseOptions {
  /** File path used in messages. */
  path?: string;
}

/** Parses and checks a runbook's text. Never throws for bad input. */
export function parseRunbook(text: string, options: ParseOptions = {}): ParseResult {
  const file = options.path ?? '<input>';
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lines = text.split(/\r?\n/);
  const issue = (code: string, message: string, offset: number): Issue => {
    const { line, col } = lineCounter.linePos(offset);
    return { code, message, file, line, col, source: lines[line - 1] ?? '' };
  };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((e) => issue('SCHEMA_YAML', e.message.split('\n')[0]!, e.pos[0])),
    };
  }
  const positions = new Map<string, SourcePos>();
  collectPositions(doc.contents, '', positions, lineCounter);
  const value = doc.toJS() as Runbook;
  const issues: Issue[] = [];
  const at = (pointer: string): number => {
    const p = positions.get(pointer) ?? { line: 1, col: 1 };
    return lineCounter.lineStarts[p.line - 1]! + p.col - 1;
  };
  if (!value || typeof value !== 'object') {
    return { ok: false, issues: [issue('SCHEMA_TYPE', 'a runbook must be a YAML mapping', 0)] };
  }
  if (value.version !== 1) issues.push(issue('SCHEMA_VERSION', 'version must be 1', at('/version')));
  if (!Array.isArray(value.steps) || value.steps.length === 0) {
    issues.push(issue('SCHEMA_REQUIRED', 'steps must be a non-empty list', at('/steps')));
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, runbook: { runbook: value, path: file, text, positions } };
}

/** Reads a runbook file and parses it. */
export async function loadRunbook(path: string): Promise<ParseResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    return {
      ok: false,
      issues: [
        { code: 'SCHEMA_READ', message: `cannot read the runbook: ${reason}`, file: path, line: 1, col: 1 },
      ],
    };
  }
  return parseRunbook(text, { path });
}

function collectPositions(
  node: Node | null | undefined,
  pointer: string,
  out: Map<string, SourcePos>,
  lc: LineCounter,
): void {
  if (!node) return;
  if (node.range) out.set(pointer, lc.linePos(node.range[0]));
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = String((pair.key as { value?: unknown } | null)?.value ?? pair.key);
      collectPositions(
        pair.value as Node,
        `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`,
        out,
        lc,
      );
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      collectPositions(item as Node, `${pointer}/${i}`, out, lc);
    });
  }
}
