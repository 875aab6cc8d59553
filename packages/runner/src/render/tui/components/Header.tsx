import { transportName } from '../../../transport.js';
import { limitText } from '../../limit-text.js';
import type { RunInfo } from '../state.js';
import type { Theme } from '../theme.js';
import { type LineSpec, Lines } from './Line.js';

/** Runbook, git sha, endpoint (a local emulator said plainly) and its transport, business and run id. */
export function headerLines(run: RunInfo, theme: Theme): LineSpec[] {
  const sha = run.runbook.gitSha
    ? `git ${run.runbook.gitSha.slice(0, 7)}${run.runbook.dirty ? '+dirty' : ''}`
    : 'not in git';
  const endpoint = run.endpoint.local ? `local emulator ${run.endpoint.url}` : run.endpoint.url;
  return [
    [
      { text: 'runbook ', dim: theme.dim },
      { text: run.runbook.name, bold: true },
      { text: ` ${run.runbook.path}`, dim: theme.dim },
      { text: ' · ', dim: theme.dim },
      { text: sha },
    ],
    [
      { text: 'endpoint ', dim: theme.dim },
      { text: endpoint, color: run.endpoint.local ? theme.accent : theme.warn, bold: !run.endpoint.local },
      { text: ` ${transportName(run.endpoint.transport ?? 'v2')}`, dim: theme.dim },
      { text: ' · biz ', dim: theme.dim },
      { text: String(run.biz) },
      { text: ' · run ', dim: theme.dim },
      { text: run.runId },
      ...(run.resumedFrom
        ? [
            {
              text: run.resumedFrom === run.runId ? ' (resumed)' : ` (resumes ${run.resumedFrom})`,
              dim: theme.dim,
            },
          ]
        : []),
    ],
    ...(run.limit
      ? [
          [
            { text: 'limit ', dim: theme.dim },
            { text: limitText(run.limit), color: theme.warn },
            { text: ' · every step runs only on these (--limit)', dim: theme.dim },
          ],
        ]
      : []),
  ];
}

export function Header({ run, theme }: { run: RunInfo; theme: Theme }) {
  return <Lines lines={headerLines(run, theme)} />;
}
