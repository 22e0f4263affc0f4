/**
 * healTools outside an SDK: the MCP tool shape (a JSON Schema `inputSchema`, no client library
 * installed here, so a plain object of that shape), what is kept of each tool, per-tool options,
 * state per tool, reflection held to the tool's zod schema, and bad input. Manual clock.
 */
import { jsonSchema } from 'ai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Bulkhead, CircuitBreakerRegistry, HealingError, type Reflector } from '../../src/index.js';
import { healTools } from '../../src/tools/index.js';
import { configError } from '../helpers/config-error.js';
import { ManualClock } from '../helpers/manual-clock.js';

const unavailable = () => Object.assign(new Error('HTTP 503'), { status: 503 });
const callOptions = { toolCallId: 'call-1', messages: [] };
/** What a tool's execute is called with (the AI SDK's and MCP clients' second argument, in part). */
type Execute<R> = (args: object, options: { toolCallId: string; abortSignal?: AbortSignal }) => Promise<R>;
const answer = (value: string): Execute<string> => async () => value;

function fresh() {
  const clock = new ManualClock();
  return { clock, registry: new CircuitBreakerRegistry({ clock }) };
}

describe('healTools: the tools it returns', () => {
  it('heals an MCP-shaped tool and leaves its JSON Schema and every other property as they were', async () => {
    const { clock, registry } = fresh();
    const inputSchema = { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] };
    const received: unknown[] = [];
    let calls = 0;
    const readFile = {
      description: 'Read a file',
      inputSchema,
      annotations: { readOnlyHint: true },
      execute: async (args: { path: string }, options: { toolCallId: string; abortSignal?: AbortSignal }) => {
        received.push({ args, toolCallId: options.toolCallId, signal: options.abortSignal instanceof AbortSignal });
        if (++calls < 3) throw unavailable();
        return { content: [{ type: 'text', text: `contents of ${args.path}` }] };
      },
    };
    const listed = { description: 'Listed by the server, run by it', inputSchema };
    const tools = healTools({ readFile, listed }, { clock, registry, retry: { minDelayMs: 100, jitter: 'none' } });

    expect(tools.listed).toBe(listed);
    expect(tools.readFile).not.toBe(readFile);
    expect(tools.readFile.inputSchema).toBe(inputSchema);
    expect(tools.readFile.annotations).toBe(readFile.annotations);
    expect(tools.readFile.description).toBe('Read a file');
    expect(Object.keys(tools.readFile)).toEqual(Object.keys(readFile));

    const pending = tools.readFile.execute({ path: '/etc/motd' }, callOptions);
    await clock.advance(100);
    await clock.advance(200);
    expect(await pending).toEqual({ content: [{ type: 'text', text: 'contents of /etc/motd' }] });
    expect(received).toEqual(Array(3).fill({ args: { path: '/etc/motd' }, toolCallId: 'call-1', signal: true }));
  });

  it('heals tools named after Object.prototype\'s members (`constructor`, `toString`, `__proto__`) like any other', async () => {
    const { registry } = fresh();
    // As an MCP client builds the map: from JSON, where `__proto__` is an own key.
    const listed = JSON.parse('{"constructor": {"description": "c"}, "toString": {"description": "t"}, "__proto__": {"description": "p"}}') as Record<string, { description: string; execute?: Execute<string> }>;
    for (const name of Object.keys(listed)) listed[name]!.execute = answer(`ran ${name}`);
    const tools = healTools(listed, { registry, retry: { maxAttempts: 2 } });
    expect(Object.keys(tools)).toEqual(['constructor', 'toString', '__proto__']);
    expect(Object.getPrototypeOf(tools)).toBe(Object.prototype);
    for (const name of ['constructor', 'toString', '__proto__']) {
      expect(Object.hasOwn(tools, name)).toBe(true);
      expect(await Object.getOwnPropertyDescriptor(tools, name)!.value.execute({}, callOptions)).toBe(`ran ${name}`);
    }
  });

  it('keeps non-enumerable and symbol properties (the AI SDK marks tools so), and leaves the originals untouched', () => {
    const marker = Symbol('marker');
    const execute = async () => 'ok';
    const original = { description: 'x', execute, [marker]: 1 };
    Object.defineProperty(original, 'experimental_toolCaller', { value: { name: 'caller' }, enumerable: false });
    const healed = healTools({ original }).original;
    expect(healed[marker]).toBe(1);
    expect((healed as unknown as { experimental_toolCaller: unknown }).experimental_toolCaller).toEqual({ name: 'caller' });
    expect(original.execute).toBe(execute);
    expect(healed.execute).not.toBe(execute);
  });

  it('passes a jsonSchema() of the AI SDK through untouched', () => {
    const schema = jsonSchema<{ q: string }>({ type: 'object', properties: { q: { type: 'string' } } });
    const healed = healTools({ search: { description: 'Search', inputSchema: schema, execute: async () => [] } });
    expect(healed.search.inputSchema).toBe(schema);
  });

  it('a signal in the shared options still ends the call when the caller gives its own abortSignal', async () => {
    const { clock, registry } = fresh();
    const shutdown = new AbortController();
    let calls = 0;
    const tools = healTools({
      search: { description: 'search', execute: (async () => { calls++; throw unavailable(); }) as Execute<string> },
    }, { clock, registry, signal: shutdown.signal, retry: { maxAttempts: 5, minDelayMs: 60_000 } });
    const caller = new AbortController();
    const pending = tools.search.execute({}, { ...callOptions, abortSignal: caller.signal });
    const failure = pending.catch((error: unknown) => error);
    await clock.advance(0);
    shutdown.abort(new Error('shutting down'));
    const error = await failure;
    expect(error).toBeInstanceOf(HealingError);
    expect((error as HealingError).result).toMatchObject({ attempts: 1, error: { message: 'shutting down' } });
    expect(calls).toBe(1);
  });

  it('rejects with a HealingError whose cause is the tool\'s error', async () => {
    const { clock, registry } = fresh();
    const failure = Object.assign(new Error('HTTP 404: no such city'), { status: 404 });
    const tools = healTools({ weather: { execute: (async () => { throw failure; }) as Execute<string> } }, { clock, registry });
    const error = await tools.weather.execute({ city: 'Atlantis' }, callOptions).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HealingError);
    expect((error as HealingError).cause).toBe(failure);
    expect((error as HealingError).message).toBe('Self-healing gave up after 1 attempt(s) (permanent): HTTP 404: no such city');
  });
});

describe('healTools: options', () => {
  it('per-tool options merge over the shared ones, retry field by field', async () => {
    const { clock, registry } = fresh();
    const calls = { search: 0, weather: 0 };
    const failing = (name: keyof typeof calls): Execute<string> => async () => { calls[name]++; throw unavailable(); };
    const tools = healTools(
      { search: { execute: failing('search') }, weather: { execute: failing('weather') } },
      { clock, registry, retry: { maxAttempts: 2, minDelayMs: 0 }, tools: { search: { retry: { maxAttempts: 4 } } } },
    );
    await expect(tools.search.execute({}, callOptions)).rejects.toBeInstanceOf(HealingError);
    await expect(tools.weather.execute({}, callOptions)).rejects.toBeInstanceOf(HealingError);
    expect(calls).toEqual({ search: 4, weather: 2 });
  });

  it('names each tool\'s circuit tool:<name>, unless the options name one', async () => {
    const { clock, registry } = fresh();
    const tools = healTools(
      { search: { execute: answer('hit') }, weather: { execute: answer('sun') } },
      { clock, registry, tools: { weather: { circuitName: 'weather-api' } } },
    );
    await tools.search.execute({}, callOptions);
    await tools.weather.execute({}, callOptions);
    expect(registry.all().map((breaker) => breaker.name).sort()).toEqual(['tool:search', 'weather-api']);
  });

  it('builds each tool\'s pipeline once: a shared bulkhead config bounds each tool\'s calls, per tool', async () => {
    const { clock, registry } = fresh();
    const running = { search: 0, weather: 0 };
    const peak = { search: 0, weather: 0 };
    const slow = (name: keyof typeof running): Execute<string> => () => new Promise<string>((resolve) => {
      peak[name] = Math.max(peak[name], ++running[name]);
      clock.setTimeout(() => { running[name]--; resolve(name); }, 100);
    });
    const tools = healTools(
      { search: { execute: slow('search') }, weather: { execute: slow('weather') } },
      { clock, registry, bulkhead: { maxConcurrent: 1, maxQueue: 10 } },
    );
    const all = Promise.all([1, 2, 3].flatMap(() => [tools.search.execute({}, callOptions), tools.weather.execute({}, callOptions)]));
    for (let i = 0; i < 3; i++) await clock.advance(100);
    expect(await all).toEqual(['search', 'weather', 'search', 'weather', 'search', 'weather']);
    // One slot per tool across calls (one pipeline, built once), and not one slot for all tools.
    expect(peak).toEqual({ search: 1, weather: 1 });
  });

  it('a Bulkhead instance in the options is shared by every tool, as given', async () => {
    const { clock, registry } = fresh();
    const bulkhead = new Bulkhead({ maxConcurrent: 1, maxQueue: 10 });
    let running = 0;
    let peak = 0;
    const slow: Execute<string> = () => new Promise<string>((resolve) => {
      peak = Math.max(peak, ++running);
      clock.setTimeout(() => { running--; resolve('ok'); }, 100);
    });
    const tools = healTools({ search: { execute: slow }, weather: { execute: slow } }, { clock, registry, bulkhead });
    const both = Promise.all([tools.search.execute({}, callOptions), tools.weather.execute({}, callOptions)]);
    for (let i = 0; i < 2; i++) await clock.advance(100);
    await both;
    expect(peak).toBe(1);
  });

  it('a shared retry budget config gives each tool its own budget: one busy tool does not spend the others\' retries', async () => {
    const { clock, registry } = fresh();
    const calls = { search: 0, weather: 0 };
    const failsOnce = (name: keyof typeof calls): Execute<string> => async () => {
      if (++calls[name] === 1) throw unavailable();
      return name;
    };
    const tools = healTools({ search: { execute: failsOnce('search') }, weather: { execute: failsOnce('weather') } }, {
      clock, registry, retry: { minDelayMs: 0 }, retryBudget: { ratio: 0, minRetries: 1 },
    });
    expect(await tools.search.execute({}, callOptions)).toBe('search'); // spends search's one retry
    expect(await tools.weather.execute({}, callOptions)).toBe('weather'); // weather still has its own
    expect(calls).toEqual({ search: 2, weather: 2 });
  });

  it('a shared lastGood fallback serves each tool only its own results', async () => {
    const { clock, registry } = fresh();
    let down = false;
    const tool = (value: string): { execute: Execute<string> } => ({ execute: async () => { if (down) throw unavailable(); return value; } });
    const tools = healTools({ search: tool('a hit'), weather: tool('sunny') }, {
      clock, registry, retry: { maxAttempts: 1 }, fallback: { lastGood: { ttlMs: 60_000 } },
    });
    expect(await tools.search.execute({ q: 'x' }, callOptions)).toBe('a hit');
    down = true;
    expect(await tools.search.execute({ q: 'x' }, callOptions)).toBe('a hit');
    await expect(tools.weather.execute({ q: 'x' }, callOptions)).rejects.toBeInstanceOf(HealingError);
  });

  it.each(['inputSchema', 'parameters'] as const)('a reflector\'s repaired args must match the tool\'s zod %s', async (key) => {
    const { clock, registry } = fresh();
    const ran: unknown[] = [];
    const schema = z.object({ city: z.string(), units: z.enum(['metric', 'imperial']) });
    const proposals = [{ city: 'Oslo', units: 'kelvin' }, { city: 'Oslo', units: 'metric' }];
    const reflector: Reflector = () => ({ args: proposals.shift(), reason: 'fix the city' });
    const tools = healTools({
      weather: {
        [key]: schema,
        execute: async (args: z.infer<typeof schema>, _options: { toolCallId: string }) => {
          ran.push(args);
          if (args.city !== 'Oslo') throw Object.assign(new Error(`HTTP 422: unknown city ${args.city}`), { status: 422 });
          return `sunny in ${args.city}`;
        },
      },
    }, { clock, registry, reflector });
    expect(await tools.weather.execute({ city: 'Olso', units: 'metric' }, callOptions)).toBe('sunny in Oslo');
    // The first proposal (units: 'kelvin') was refused by the tool's schema and never ran.
    expect(ran).toEqual([{ city: 'Olso', units: 'metric' }, { city: 'Oslo', units: 'metric' }]);
  });

  it('the tool\'s abortSignal is its attempt\'s: it aborts when timeoutMs cuts the attempt, and the next attempt gets a fresh one', async () => {
    const { clock, registry } = fresh();
    const signals: AbortSignal[] = [];
    const tools = healTools({
      fetchPage: {
        execute: ((_args, { abortSignal }) => new Promise<string>((resolve, reject) => {
          signals.push(abortSignal!);
          if (signals.length === 2) return resolve('page');
          abortSignal!.addEventListener('abort', () => reject(abortSignal!.reason));
        })) as Execute<string>,
      },
    }, { clock, registry, timeoutMs: 1_000, retry: { minDelayMs: 0 } });
    const pending = tools.fetchPage.execute({}, callOptions);
    await clock.advance(1_000);
    expect(await pending).toBe('page');
    expect(signals.map((signal) => signal.aborted)).toEqual([true, false]);
  });
});

describe('healTools: bad input', () => {
  it('refuses what is not a map of tools, naming what is wrong', () => {
    expect(configError(() => healTools(null as never)).option).toBe('tools');
    expect(configError(() => healTools([] as never)).message).toMatch(/got an array/);
    expect(configError(() => healTools({ search: 42 } as never)).option).toBe('tools.search');
    expect(configError(() => healTools({}, 'fast' as never)).option).toBe('options');
  });

  it('names a per-tool option under its tool, and suggests the tool meant', () => {
    const tools = { search: { execute: answer('hit') } };
    const unknown = configError(() => healTools(tools, { tools: { serch: {} } as never }));
    expect(unknown.option).toBe('tools.serch');
    expect(unknown.message).toMatch(/did you mean search\?/);
    expect(configError(() => healTools(tools, { tools: { search: { retry: { maxAttempts: 0 } } } })).option).toBe('tools.search.retry.maxAttempts');
    expect(configError(() => healTools(tools, { retry: { maxAttempts: 0 } })).option).toBe('retry.maxAttempts');
  });

  it('refuses a tool that streams its results (an async generator)', () => {
    const error = configError(() => healTools({ stream: { execute: async function* () { yield 1; } } }));
    expect(error.option).toBe('tools.stream.execute');
    expect(error.message).toMatch(/async generator/);
  });
});
