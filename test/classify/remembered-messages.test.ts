/**
 * The verdicts of recent messages are remembered, so an outage that repeats one message is not
 * scanned by every pattern on each failure: a remembered verdict must be the verdict a scan gives,
 * a copy each caller may change, and the memory must stay bounded.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ErrorClassifier } from '../../src/index.js';
import {
  classifyByMessage, MAX_REMEMBERED_MESSAGE_LENGTH, MAX_REMEMBERED_MESSAGES, rememberedMessages,
} from '../../src/classify/rules/message-rules.js';

const classifier = new ErrorClassifier();

/** Messages for every kind of verdict the message rules give, and one they give none for. */
const MESSAGES = [
  'Invalid API key provided',
  'Rate limit reached for requests',
  'The upstream model is overloaded, please try again later',
  'request timed out after 30000 ms',
  'socket hang up',
  'invalid value for parameter "temperature"',
  'upstream said 503 Service Unavailable',
  'HTTP 409 from the inventory service',
  'status code: 429',
  'connect ECONNREFUSED 10.0.0.1:5432',
  'This model\'s maximum context length is 8192 tokens',
  'Your credit balance is too low to access the API',
  'the ledger refused the entry',
];

/** The same text as `message`, new to the memory: a suffix no pattern reads. */
const fresh = (message: string, tag: string) => `${message} [case ${tag}]`;

describe('remembered message verdicts', () => {
  it.each(MESSAGES)('%j gives the same verdict remembered as scanned', (message) => {
    const text = fresh(message, 'same');
    const scanned = classifyByMessage(text);
    const remembered = classifyByMessage(text);
    expect(remembered).toEqual(scanned);
    // A message longer than the memory keeps is scanned each time: the same verdict again.
    const long = `${text}${' '.repeat(MAX_REMEMBERED_MESSAGE_LENGTH)}`;
    expect(classifyByMessage(long)).toEqual(scanned);
  });

  it('each call gets a verdict of its own: changing one changes no later one', () => {
    const text = fresh('socket hang up', 'own');
    const scanned = classifyByMessage(text)!; // the first: scanned
    const remembered = classifyByMessage(text)!; // the second: remembered
    for (const verdict of [scanned, remembered]) {
      verdict.reason = 'changed by the caller';
      verdict.notProcessed = true;
    }
    const third = classifyByMessage(text)!;
    expect(third).not.toBe(scanned);
    expect(third).not.toBe(remembered);
    expect(third.reason).toMatch(/^message matches socket hang up/);
    expect(third.notProcessed).toBeUndefined();
  });

  it('a cause\'s prefix and a severity option written into one verdict stay out of the next', () => {
    const text = fresh('connection reset by peer', 'cause');
    const wrapped = new Error('the job failed', { cause: new Error(text) });
    expect(classifier.classify(wrapped).reason).toMatch(/^cause: message matches/);
    const quiet = new ErrorClassifier({ severity: { network: 'low' } });
    expect(quiet.classify(new Error(text)).severity).toBe('low');
    const plain = classifier.classify(new Error(text));
    expect(plain.reason).toMatch(/^message matches/);
    expect(plain.severity).toBe(new ErrorClassifier().severityOf('network'));
  });

  it('a message no pattern matches is remembered as such, and still matches nothing', () => {
    const text = fresh('the ledger refused the entry', 'none');
    expect(classifier.classify(new Error(text))).toMatchObject({ category: 'unknown', reason: 'no rule matched' });
    expect(classifier.classify(new Error(text))).toMatchObject({ category: 'unknown', reason: 'no rule matched' });
  });

  it('keeps at most MAX_REMEMBERED_MESSAGES messages, however many distinct ones arrive', () => {
    for (let i = 0; i < 10 * MAX_REMEMBERED_MESSAGES; i++) {
      classifyByMessage(fresh('socket hang up', `many ${i}`));
      expect(rememberedMessages()).toBeLessThanOrEqual(MAX_REMEMBERED_MESSAGES);
    }
    expect(rememberedMessages()).toBeGreaterThan(0);
  });

  it('keeps a message of MAX_REMEMBERED_MESSAGE_LENGTH characters, never a longer one', () => {
    const base = fresh('socket hang up', 'length');
    const longest = base.padEnd(MAX_REMEMBERED_MESSAGE_LENGTH, '.');
    const before = rememberedMessages();
    classifyByMessage(`${longest}.`);
    expect(rememberedMessages()).toBe(before);
    classifyByMessage(longest);
    expect(rememberedMessages()).toBe(before >= MAX_REMEMBERED_MESSAGES ? 1 : before + 1); // full: dropped, then kept
  });

  it('holds no more than the message: a message cut from a large body does not keep the body alive', () => {
    // In a fresh process with a GC to call: 100 messages, each the first 200 characters of a
    // distinct 1 MB body, classified and the bodies dropped. Kept as they are, those slices
    // would hold the 100 MB of their bodies.
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const entry = pathToFileURL(`${root}src/classify/rules/message-rules.ts`).href;
    const source = `
      import { classifyByMessage, rememberedMessages } from ${JSON.stringify(entry)};
      const heap = () => { globalThis.gc(); globalThis.gc(); return process.memoryUsage().heapUsed; };
      const cut = (i) => ('socket hang up ' + i + ' ' + 'x'.repeat(1_000_000)).slice(0, 200);
      const base = heap();
      for (let i = 0; i < 100; i++) classifyByMessage(cut(i));
      const remembered = heap() - base;
      const slices = [];
      for (let i = 0; i < 100; i++) slices.push(cut(i));
      const heldBySlices = heap() - base - remembered;
      console.log(JSON.stringify({ remembered, heldBySlices, kept: rememberedMessages(), slices: slices.length }));
    `;
    const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', source], {
      cwd: root, encoding: 'utf8', timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { remembered: number; heldBySlices: number; kept: number };
    expect(report.kept).toBe(100);
    expect(report.heldBySlices).toBeGreaterThan(50_000_000); // the control: slices do hold their bodies
    expect(report.remembered).toBeLessThan(report.heldBySlices / 20);
  });
});
