import { createHash } from 'node:crypto';
import { JOB_LIMITS } from '@runbook/schema';

/**
 * The default JOB task name, `<runbook>/<step>@<git sha>`, kept within JOB's 512 characters: a longer
 * one keeps its beginning and ends with `~` and a hash of the whole name, so two steps of a runbook
 * (whose names differ) still get different task names. Never refused: the author did not write it.
 */
export function defaultTaskName(
  runbook: string,
  step: string,
  gitText: string,
  max: number = JOB_LIMITS.taskNameChars,
): string {
  const full = `${runbook}/${step}${gitText ? `@${gitText}` : ''}`;
  const chars = [...full];
  if (chars.length <= max) return full;
  const hash = createHash('sha256').update(full, 'utf8').digest('hex').slice(0, 12);
  return `${chars.slice(0, max - hash.length - 1).join('')}~${hash}`;
}
