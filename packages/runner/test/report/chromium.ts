import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Debian's headless Chromium (.ci/run installs it when missing), for the rendered HTML report. */
const BROWSERS = ['chromium', 'chromium-browser'];
const browser = BROWSERS.flatMap((b) =>
  (process.env.PATH ?? '').split(delimiter).map((d) => join(d, b)),
).find((p) => existsSync(p));

/** The DOM Chromium built from a file, loaded with the network off; `profile` a fresh folder. */
export function renderedDom(file: string, profile: string): Promise<string> {
  if (!browser)
    throw new Error(`no ${BROWSERS.join(' or ')} on PATH: install Debian's chromium (.ci/run does)`);
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-extensions',
    '--proxy-server=127.0.0.1:9', // nothing may come from the network
    `--user-data-dir=${profile}`,
    '--dump-dom',
    pathToFileURL(file).href,
  ];
  return new Promise((resolve, reject) => {
    execFile(browser, args, { timeout: 90_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${browser} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** `data-bar` elements of a rendered DOM, counted by their step (attributes as Chromium serialises them). */
export function barsInDom(dom: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of dom.matchAll(/<rect\b[^>]*\bdata-bar=""[^>]*>/g)) {
    const step = /\bdata-step="([^"]*)"/.exec(m[0])?.[1] ?? '';
    const name = step
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
    out.set(name, (out.get(name) ?? 0) + 1);
  }
  return out;
}
