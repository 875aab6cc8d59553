import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { CheckContext } from '../context.js';
import { SourceText } from '../source.js';
import { closest } from '../suggest.js';
import { hasExpression } from '../template.js';
import { checkTemplate } from './expressions.js';
import { asArray, isObj } from './util.js';

const rootCache = new Map<string, string>();

/** The git work tree holding `dir` (found by walking up to `.git`), else `dir` itself. */
export function repositoryRoot(dir: string): string {
  const start = resolve(dir);
  const cached = rootCache.get(start);
  if (cached) return cached;
  let root = start;
  for (let cur = start, i = 0; i < 256; i++) {
    if (existsSync(join(cur, '.git'))) {
      root = cur;
      break;
    }
    const up = dirname(cur);
    if (up === cur) break;
    cur = up;
  }
  rootCache.set(start, root);
  return root;
}

const inside = (root: string, path: string): boolean => {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

export interface ScriptFile {
  /** Absolute path of the file. */
  path: string;
  /** Its contents (UTF-8). */
  text: string;
}

/** Checks each `script_file`: exists, is a readable file inside the repository; checks its expressions. */
export function checkScriptFiles(ctx: CheckContext): Map<number, ScriptFile> {
  const files = new Map<number, ScriptFile>();
  asArray(ctx.data.steps).forEach((step, i) => {
    if (!isObj(step) || typeof step.script_file !== 'string' || step.script_file === '') return;
    const rel = step.script_file;
    if (hasExpression(rel)) return; // reported as a misplaced expression
    const pointer = `/steps/${i}/script_file`;
    const root = repositoryRoot(ctx.baseDir);
    const path = resolve(ctx.baseDir, rel);
    const where = root === resolve(ctx.baseDir) ? "the runbook's directory" : 'the git repository';
    if (!inside(root, path)) {
      ctx.report('SCHEMA_SCRIPT_FILE', `script_file "${rel}" is outside ${where}`, pointer);
      return;
    }
    let stat: ReturnType<typeof statSync> | undefined;
    try {
      stat = statSync(path);
    } catch {}
    if (!stat) {
      let hint = '';
      try {
        hint = ((n) => (n ? `; did you mean "${join(dirname(rel), n)}"?` : ''))(
          closest(basename(path), readdirSync(dirname(path))),
        );
      } catch {}
      ctx.report('SCHEMA_SCRIPT_FILE', `script_file "${rel}" does not exist${hint}`, pointer);
      return;
    }
    if (!stat.isFile()) {
      ctx.report('SCHEMA_SCRIPT_FILE', `script_file "${rel}" is not a regular file`, pointer);
      return;
    }
    let real = path;
    try {
      real = realpathSync(path);
    } catch {}
    if (!inside(realpathSync(root), real)) {
      ctx.report('SCHEMA_SCRIPT_FILE', `script_file "${rel}" is a link to a file outside ${where}`, pointer);
      return;
    }
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const reason = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (err as Error).message;
      ctx.report('SCHEMA_SCRIPT_FILE', `script_file "${rel}" cannot be read: ${reason}`, pointer);
      return;
    }
    files.set(i, { path, text });
    if (!text.includes('${{')) return;
    const shown = join(dirname(ctx.src.file), rel);
    const src = new SourceText(shown, text);
    checkTemplate(ctx, text, {
      secretsAllowed: false,
      where: `script_file ${rel}`,
      stepIndex: i,
      stepsAllowed: true,
      report: (code, message, start) => {
        ctx.issues.push(src.issue(code, message, start));
      },
    });
  });
  return files;
}
