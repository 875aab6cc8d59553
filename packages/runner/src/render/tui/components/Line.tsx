import { Text } from 'ink';

/** A run of text with one style. */
export interface Seg {
  text: string;
  color?: string | undefined;
  bold?: boolean;
  dim?: boolean;
  inverse?: boolean;
}

/** One screen line: its segments, truncated at the right edge, never wrapped. */
export type LineSpec = Seg[];

export function Line({ segs }: { segs: LineSpec }) {
  if (segs.length === 0) return <Text> </Text>;
  return (
    <Text wrap="truncate-end">
      {segs.map((s, i) => (
        <Text
          // biome-ignore lint/suspicious/noArrayIndexKey: segments of a line have no identity but their place
          key={i}
          {...(s.color === undefined ? {} : { color: s.color })}
          bold={s.bold ?? false}
          dimColor={s.dim ?? false}
          inverse={s.inverse ?? false}
        >
          {s.text}
        </Text>
      ))}
    </Text>
  );
}

/** Draws lines made by the pure line builders. */
export function Lines({ lines }: { lines: LineSpec[] }) {
  return (
    <>
      {lines.map((segs, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a line's identity is its place on screen
        <Line key={i} segs={segs} />
      ))}
    </>
  );
}

/** A horizontal rule with a title, as wide as the screen. */
export function rule(title: string, width: number, color?: string): LineSpec {
  const head = `── ${title} `;
  return [{ text: head + '─'.repeat(Math.max(0, width - head.length)), color, bold: true }];
}
