import type { Transport } from '../transport.js';
import { type TargetProblem, type Targets, topoText } from './hosts.js';

export interface TransportProblem extends TargetProblem {
  code: 'RUNNER_NEEDS_V3' | 'RUNNER_MIXED_HOSTS';
}

const V3_HOW = 'run it through the API gateway v3 (--apigw-url URL or BK_APIGW_URL; --local --transport v3)';

const listed = (items: string[]) =>
  `${items.slice(0, 3).join(', ')}${items.length > 3 ? `, … ${items.length - 3} more` : ''}`;

/**
 * What a step's targets cannot be on a transport: ESB v2 knows neither host ids nor topology nodes;
 * the API gateway v3 ignores `ip_list` when `host_id_list` is given, so one step cannot mix them.
 */
export function transportTargetProblems(step: string, t: Targets, transport: Transport): TransportProblem[] {
  const out: TransportProblem[] = [];
  if (transport === 'v2') {
    if (t.hostIds.length > 0 && t.first.hostId) {
      out.push({
        code: 'RUNNER_NEEDS_V3',
        pointer: t.first.hostId,
        message: `step "${step}" names hosts by id (host_id ${listed(t.hostIds.map(String))}), which ESB v2 cannot address; ${V3_HOW} (nothing was sent)`,
      });
    }
    if (t.topoNodes.length > 0 && t.first.topo) {
      out.push({
        code: 'RUNNER_NEEDS_V3',
        pointer: t.first.topo,
        message: `step "${step}" targets topology nodes (${listed(t.topoNodes.map(topoText))}), which ESB v2 cannot address; ${V3_HOW} (nothing was sent)`,
      });
    }
  } else if (t.hostIds.length > 0 && t.ipList.length > 0 && t.first.ip) {
    out.push({
      code: 'RUNNER_MIXED_HOSTS',
      pointer: t.first.ip,
      message: `step "${step}" names hosts by IP (${listed(t.ipList.map((h) => `${h.bk_cloud_id}:${h.ip}`))}) and by id (host_id ${listed(t.hostIds.map(String))}); JOB ignores ip_list when host_id_list is given, so the IP hosts would not run: use one kind in a step (nothing was sent)`,
    });
  }
  return out;
}
