import type { JobGeneration } from './types.js';

const p = (n: number, w = 2) => String(n).padStart(w, '0');

/** JOB 3.x's zone when a request has no `X-Bk-Job-User-Timezone` header. */
export const DEFAULT_ZONE = 'Asia/Shanghai';

/** A time zone as JOB 3.x reads the header: an IANA name, or a fixed offset from UTC. */
export type Zone = { name: string } | { offsetMinutes: number };

interface Fields {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
  ms: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(name: string): Intl.DateTimeFormat {
  let f = formatters.get(name);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(name, f);
  }
  return f;
}

function fieldsIn(ms: number, zone: Zone): Fields {
  if ('offsetMinutes' in zone) {
    const d = new Date(ms + zone.offsetMinutes * 60_000);
    return {
      y: d.getUTCFullYear(),
      mo: d.getUTCMonth() + 1,
      d: d.getUTCDate(),
      h: d.getUTCHours(),
      mi: d.getUTCMinutes(),
      s: d.getUTCSeconds(),
      ms: d.getUTCMilliseconds(),
    };
  }
  const parts: Record<string, number> = {};
  for (const part of formatter(zone.name).formatToParts(new Date(ms)))
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return {
    y: parts.year!,
    mo: parts.month!,
    d: parts.day!,
    h: parts.hour!,
    mi: parts.minute!,
    s: parts.second!,
    ms: ((ms % 1000) + 1000) % 1000,
  };
}

/**
 * The zone named by an `X-Bk-Job-User-Timezone` header value: JOB 3.x accepts what Java's
 * `ZoneId.of` accepts; here IANA names, `Z`, `UTC`/`GMT`, and offsets such as `+08:00`, `UTC+8`.
 * Undefined when the value is not a zone.
 */
export function parseZone(text: string): Zone | undefined {
  const t = text.trim();
  if (t === 'Z') return { offsetMinutes: 0 };
  const m = /^(?:UTC|GMT|UT)?([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(t);
  if (m) {
    const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
    if (Number(m[2]) > 18 || Number(m[3] ?? 0) > 59) return undefined;
    return { offsetMinutes: m[1] === '-' ? -minutes : minutes };
  }
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(t)) return undefined;
  try {
    formatter(t);
    return { name: t };
  } catch {
    return undefined;
  }
}

/**
 * JOB time text. JOB 2.x: `2018-03-15 12:56:35 +0800` in the emulator's own zone. JOB 3.x:
 * `2018-03-15 12:56:35` (no offset) in `zone` (the request's header, else Asia/Shanghai).
 */
export function jobTime(
  ms: number | null | undefined,
  gen: JobGeneration = 2,
  zone: Zone = { name: DEFAULT_ZONE },
): string | null {
  if (ms === null || ms === undefined) return null;
  if (gen === 3) {
    const f = fieldsIn(ms, zone);
    return `${f.y}-${p(f.mo)}-${p(f.d)} ${p(f.h)}:${p(f.mi)}:${p(f.s)}`;
  }
  const d = new Date(ms);
  const text = localTime(ms);
  const off = -d.getTimezoneOffset();
  const a = Math.abs(off);
  return `${text} ${off >= 0 ? '+' : '-'}${p(Math.floor(a / 60))}${p(a % 60)}`;
}

/** The last second `localTime` wrote: the hosts of a job start within the same second or so. */
let lastLocal = { second: Number.NaN, text: '' };

/** `2018-03-15 12:56:35` in the emulator's own zone (the `job_start` line of JOB 2.x logs). */
export function localTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second === lastLocal.second) return lastLocal.text;
  const d = new Date(ms);
  const text = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  lastLocal = { second, text };
  return text;
}

/** `yyyyMMddHHmmssSSS` in `zone`, as in JOB 3.x's default job name. */
export function compactTime(ms: number, zone: Zone = { name: DEFAULT_ZONE }): string {
  const f = fieldsIn(ms, zone);
  return `${f.y}${p(f.mo)}${p(f.d)}${p(f.h)}${p(f.mi)}${p(f.s)}${p(f.ms, 3)}`;
}

/** A stable key for caching answers per zone. */
export function zoneKey(zone: Zone): string {
  return 'offsetMinutes' in zone ? `@${zone.offsetMinutes}` : zone.name;
}

/** Seconds between two instants with millisecond precision, as JOB's `total_time`. */
export function totalTime(start: number | null, end: number | null): number | null {
  if (start === null || end === null) return null;
  return Math.max(0, end - start) / 1000;
}
