/** The report's only style sheet, inline: light and dark (prefers-color-scheme), and printable. */
export const STYLE = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --panel: #f6f8fa;
  --ok: #1a7f37; --failed: #cf222e; --partial: #bc4c00; --ignored: #8c6e5d; --running: #0969da;
  --unknown: #8250df; --skipped: #8c959f; --pending: #afb8c1;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --panel: #151b23;
    --ok: #3fb950; --failed: #f85149; --partial: #db6d28; --ignored: #a68a7a; --running: #4493f8;
    --unknown: #ab7df8; --skipped: #6e7681; --pending: #484f58;
  }
}
* { box-sizing: border-box; }
body { margin: 2rem auto; max-width: 1100px; padding: 0 1rem; background: var(--bg); color: var(--fg);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
h1 { font-size: 1.5rem; margin: 0 0 1rem; } h2 { font-size: 1.2rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1rem; margin: 1.5rem 0 .5rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; width: 100%; }
th, td { border: 1px solid var(--line); padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
table.summary th { width: 9rem; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
code, pre { font: 12.5px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
code { overflow-wrap: anywhere; }
pre { background: var(--panel); border: 1px solid var(--line); padding: .5rem .75rem; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
a { color: var(--running); }
.muted { color: var(--muted); }
.tone { font-weight: 600; }
.t-ok { color: var(--ok); } .t-failed { color: var(--failed); } .t-partial { color: var(--partial); }
.t-ignored { color: var(--ignored); } .t-running { color: var(--running); } .t-unknown { color: var(--unknown); }
.t-skipped { color: var(--skipped); } .t-pending { color: var(--muted); }
svg.timeline { width: 100%; height: auto; display: block; margin: .5rem 0 1rem; }
svg.timeline text { fill: var(--fg); font: 11px system-ui, sans-serif; }
svg.timeline text.muted { fill: var(--muted); }
svg.timeline line.grid { stroke: var(--line); }
svg.timeline line.mark { stroke: var(--unknown); stroke-dasharray: 4 3; }
rect.bar { stroke: var(--bg); stroke-width: 1; }
rect.bar.open { stroke: var(--fg); stroke-dasharray: 3 2; }
rect.b-ok { fill: var(--ok); } rect.b-failed { fill: var(--failed); } rect.b-partial { fill: var(--partial); }
rect.b-ignored { fill: var(--ignored); } rect.b-running { fill: var(--running); } rect.b-unknown { fill: var(--unknown); }
rect.b-skipped { fill: var(--skipped); } rect.b-pending { fill: var(--pending); }
.legend span { margin-right: 1rem; white-space: nowrap; }
.legend i { display: inline-block; width: .8rem; height: .8rem; margin-right: .3rem; vertical-align: -1px; border-radius: 2px; }
@media print {
  :root { --bg: #ffffff; --fg: #000000; --muted: #444444; --line: #999999; --panel: #f3f3f3; }
  body { margin: 0; max-width: none; font-size: 11px; }
  * { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
  h2, h3 { break-after: avoid; } tr, pre, svg { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
`;
