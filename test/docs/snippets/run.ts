/**
 * Runs a snippet as the module a user would paste: written to a scratch file and imported, with
 * `self-healing` resolved to src/ (the alias in vitest.config.ts). Each snippet gets a fresh copy
 * of the library (its own default registry and environment), fake timers driven forward until it
 * settles (a backoff or a 30 s Retry-After costs no real time), a fetch that answers
 * api.example.com offline and refuses every other host, and console output captured. The
 * environment, fetch and timers are restored afterwards. A snippet that leaves a timer scheduled
 * fails: it left work unfinished (or, as a script, would not exit).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import { vi } from 'vitest';
import { root, type Snippet } from './extract.js';
import { moduleSource } from './scope.js';

/** How long a snippet may take in real time, and how far it may move fake time. */
const REAL_LIMIT_MS = 5_000;
const FAKE_LIMIT_MS = 60 * 60_000;

const realSetImmediate = setImmediate;
const realNow = performance.now.bind(performance);
const yieldToEventLoop = () => new Promise<void>((resolve) => realSetImmediate(resolve));

/** The fetch snippets get: JSON for api.example.com, an error for any other host. */
async function offlineFetch(input: string | URL | Request): Promise<Response> {
  const url = new URL(input instanceof Request ? input.url : input);
  if (url.hostname !== 'api.example.com') throw new TypeError(`fetch failed: snippets run offline, and ${url.hostname} is not api.example.com`);
  return Response.json({ path: url.pathname, ok: true });
}

/** Runs `snippet`; resolves the lines it printed with console.log, rejects with what it threw. */
export async function runSnippet(snippet: Snippet): Promise<string[]> {
  const dir = join(root, '.scratch', 'snippets', `run-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${snippet.file.replace(/[/.]/g, '-')}-${snippet.line}.${snippet.language}`);
  writeFileSync(file, moduleSource(snippet, 'run').source);
  const environment = { ...process.env };
  const printed: string[] = [];
  vi.resetModules();
  vi.stubGlobal('fetch', vi.fn(offlineFetch));
  vi.spyOn(console, 'log').mockImplementation((...values: unknown[]) => void printed.push(format(...values)));
  for (const method of ['info', 'warn', 'error', 'debug'] as const) vi.spyOn(console, method).mockImplementation(() => {});
  vi.useFakeTimers();
  try {
    const testApi = await import('./test-api.js');
    const run = (async () => {
      await import(pathToFileURL(file).href);
      for (const { fn } of testApi.takeTests()) await fn();
    })();
    await settle(run, snippet);
    // A timer left behind is work the snippet never finished, or a script that would not exit.
    const left = vi.getTimerCount();
    if (left > 0) throw new Error(`${snippet.name} finished with ${left} timer(s) still scheduled: close or stop what it started`);
    return printed;
  } finally {
    vi.useRealTimers();
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
    for (const key of Object.keys(process.env)) if (!(key in environment)) delete process.env[key];
    Object.assign(process.env, environment);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Moves fake time to each next timer until `run` settles; gives I/O a turn in between. */
async function settle(run: Promise<void>, snippet: Snippet): Promise<void> {
  let settled = false;
  const done = run.finally(() => {
    settled = true;
  });
  done.catch(() => {});
  const startedAt = realNow();
  const fakeStart = Date.now();
  while (!settled) {
    await yieldToEventLoop();
    if (settled) break;
    if (realNow() - startedAt > REAL_LIMIT_MS) throw new Error(`${snippet.name} did not finish within ${REAL_LIMIT_MS} ms`);
    if (Date.now() - fakeStart > FAKE_LIMIT_MS) throw new Error(`${snippet.name} waits more than an hour (of fake time)`);
    if (vi.getTimerCount() > 0) await vi.advanceTimersToNextTimerAsync();
  }
  await done;
}

/**
 * What the snippet's comments say it prints, in order: `console.log(...); // 'text'`, or a
 * comment line right after a `console.log(...)` line.
 */
export function printedByComments(code: string): string[] {
  const lines = code.split('\n');
  return lines.flatMap((line, index) => {
    const sameLine = /console\.log\(.*\);?\s*\/\/ '(.*)'\s*$/.exec(line);
    if (sameLine) return [sameLine[1]!];
    const nextLine = /^\s*console\.log\(.*\);?\s*$/.test(line) ? /^\s*\/\/ (.*)$/.exec(lines[index + 1] ?? '') : null;
    return nextLine ? [nextLine[1]!] : [];
  });
}
