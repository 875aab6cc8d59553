import {
  type GatheredGroup,
  type GatheredOutput,
  type GatherHost,
  groupOutputs,
  splitLines,
} from '../gather.js';
import { cleanLine } from './format.js';

/**
 * A step's output gathered for the screen, each group made (hosts folded, lines cut and cleaned)
 * only when it is shown: the final frame shows a few groups of a step's 50,000, and all of them
 * are made only when its output is opened.
 */
export interface Gathered {
  /** How many groups. */
  readonly count: number;
  /** How many hosts in all the groups. */
  readonly hosts: number;
  /** The first `n` groups (all of them when fewer). */
  first(n: number): GatheredGroup[];
  /** Every group. */
  all(): GatheredGroup[];
}

/** `hosts` gathered (grouped now, each group's text made when first read). */
export function lazyGathered(hosts: readonly GatherHost[], maxHostsLength: number): Gathered {
  const grouped = groupOutputs(hosts, { maxHostsLength });
  const made: GatheredGroup[] = [];
  let rest: Generator<GatheredOutput> | undefined = grouped.outputs();
  const upTo = (n: number): GatheredGroup[] => {
    while (rest && made.length < n) {
      const next = rest.next();
      if (next.done) rest = undefined;
      else made.push(viewGroup(next.value));
    }
    return made;
  };
  return {
    count: grouped.count,
    hosts: hosts.length,
    first: (n) => upTo(n).slice(0, n),
    all: () => upTo(Number.POSITIVE_INFINITY),
  };
}

/** A group as the screen shows it: lines cleaned of what a terminal would act on. */
function viewGroup(g: GatheredOutput): GatheredGroup {
  const lines = splitLines(g.output);
  // Lines clean already are kept as they are: 50,000 distinct outputs are not copied for nothing.
  const clean = lines.every((line) => cleanLine(line) === line);
  return {
    hosts: g.hosts,
    count: g.count,
    failed: g.failed,
    statusText: g.statusText,
    lines: clean ? lines : lines.map(cleanLine),
  };
}
