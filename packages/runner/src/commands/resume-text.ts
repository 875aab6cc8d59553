import type { ResumeChange } from '../record/types.js';

/** The changes a resume takes, for a person to read before accepting them (masked by the caller). */
export function changesText(runId: string, changes: ResumeChange[]): string {
  const lines = [`runbook: the runbook changed since run ${runId}; the resume takes these changes:`];
  for (const c of changes) {
    if (c.step === '') lines.push(`  runbook: ${c.detail.join('; ')}`);
    else if (c.fields.includes('new') || c.fields.includes('removed'))
      lines.push(`  step ${c.step}: ${c.detail.join('; ')}`);
    else {
      lines.push(`  step ${c.step} (not succeeded yet) changed: ${c.fields.join(', ')}`);
      for (const d of c.detail) lines.push(`    ${d}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
