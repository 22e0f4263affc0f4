/** Config errors that tell the user what to write instead (issue: messages and units). */
import { describe, expect, it } from 'vitest';
import { CircuitBreakerRegistry, HealingPipeline, type HealingOptions } from '../../src/index.js';
import { configError } from '../helpers/config-error.js';
import { z } from 'zod';
import { parseWith } from '../../src/config/parse.js';

const pipeline = (options: unknown) => () => new HealingPipeline(options as HealingOptions);

describe('config messages', () => {
  it('an enum option lists its allowed values', () => {
    const error = configError(pipeline({ retry: { jitter: 'random' } }));
    expect(error.option).toBe('retry.jitter');
    expect(error.message).toContain('expected a boolean or one of "full", "equal", "none" (got "random")');
  });

  it("zod's own words for a type or a range are said as ours: what is expected, then what was given", () => {
    const schema = z.strictObject({ count: z.number().int().min(1).max(5), label: z.string().min(2), tags: z.array(z.string()).max(1), on: z.boolean() });
    const said = (value: unknown) => configError(() => parseWith(schema, value, 'widget')).message;
    expect(said({ count: 'x' })).toBe('Invalid `widget.count`: expected a number (got "x")');
    expect(said({ count: 1.5 })).toBe('Invalid `widget.count`: expected a whole number (got 1.5)');
    expect(said({ count: 0 })).toBe('Invalid `widget.count`: expected a number >= 1 (got 0)');
    expect(said({ count: 9 })).toBe('Invalid `widget.count`: expected a number <= 5 (got 9)');
    expect(said({ count: 2, label: 'x' })).toBe('Invalid `widget.label`: expected at least 2 characters (got "x")');
    expect(said({ count: 2, label: 'xy', tags: ['a', 'b'] })).toBe('Invalid `widget.tags`: expected at most 1 item (got an array)');
    expect(said({ label: 'xy' })).toBe('Invalid `widget.count`: is required: expected a number (got undefined)');
    // A message the schema wrote itself is kept.
    expect(configError(pipeline({ timeoutMs: 'x' })).message).toContain('expected a positive number of ms or a function of the attempt');
  });

  it('a union of kinds reads as English: "an array", "an object"', () => {
    const schema = z.union([z.string(), z.array(z.string()), z.object({ name: z.string() })]);
    const error = configError(() => parseWith(schema, 5, 'tags'));
    expect(error.message).toBe('Invalid `tags`: expected a string or an array or an object (got 5)');
  });

  it('a misspelt key suggests the nearest known one, at the top and nested', () => {
    expect(configError(pipeline({ retry: { maxAttemps: 3 } })).message).toContain('did you mean maxAttempts?');
    expect(configError(pipeline({ fallbak: () => 1 })).message).toContain('did you mean fallback?');
    expect(configError(pipeline({ circuitname: 'x' })).message).toContain('did you mean circuitName? (option names are case-sensitive)');
  });

  it('a value given where another option belongs is quoted redacted: a connection URL or a token never reaches the log', () => {
    const url = configError(pipeline({ timeoutMs: 'redis://:hunter2pw@cache.internal:6379' }));
    expect(url.option).toBe('timeoutMs');
    expect(url.message).not.toContain('hunter2pw');
    expect(url.message).toContain('[REDACTED]');
    expect(configError(pipeline({ timeoutMs: 'Bearer abcdefgh12345678' })).message).not.toContain('abcdefgh12345678');
  });

  it('an option that cannot be read (a getter that throws) is named by its path', () => {
    const error = configError(pipeline({ retry: { get maxAttempts(): number { throw new Error('boom'); } } }));
    expect(error.option).toBe('retry.maxAttempts');
    expect(error.message).toContain('could not be read (a getter threw)');
  });

  it("a peer library's option name says what ours is", () => {
    const retries = configError(pipeline({ retries: 3 }));
    expect(retries.option).toBe('retries');
    expect(retries.message).toContain("here it is retry.maxAttempts (attempts in all: p-retry's retries + 1)");
    expect(configError(pipeline({ retry: { minTimeout: 10 } })).message).toContain('here it is retry.minDelayMs');
    const registry = new CircuitBreakerRegistry();
    expect(configError(() => registry.get('a', { resetTimeout: 10 } as never)).message).toContain('here it is breakDurationMs');
    expect(configError(() => registry.get('b', { volumeThreshold: 5 } as never)).message).toContain('here it is minimumCalls');
  });

  it('a misspelt required key is reported as unknown, not as the missing key', () => {
    const error = configError(() => new CircuitBreakerRegistry().get('c', { policy: { type: 'count', windowsize: 10, failureRateThreshold: 50 } } as never));
    expect(error.option).toBe('circuitBreaker.policy.windowsize');
    expect(error.message).toContain('did you mean windowSize?');
  });

  it('a key far from every known one keeps the plain hint', () => {
    expect(configError(pipeline({ zzzzzz: 1 })).message).toContain('check the spelling against the documented options');
  });
});
