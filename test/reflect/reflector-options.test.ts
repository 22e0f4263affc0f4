// The options of the deterministic reflectors: a bad one is a HealingConfigError naming it
// (`ruleReflector.rules.0.transform`, `schemaReflector.schema`), never a TypeError from inside.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ruleReflector, schemaReflector } from '../../src/index.js';
import { configError } from '../helpers/config-error.js';

const transform = () => null;

describe('ruleReflector(rules)', () => {
  it.each([
    ['ruleReflector.rules', null, /expected an array of rules \{ match, transform, reason\? \}/],
    ['ruleReflector.rules.0', [null], /each rule needs match .* and transform\(args, error\)/],
    ['ruleReflector.rules.0.transform', [{ match: /date/ }], /expected transform\(args, error\)/],
    ['ruleReflector.rules.1.match', [{ match: /date/, transform }, { match: 42, transform }], /expected match \(RegExp, string, error class or predicate\)/],
    // An empty substring is in every message: the rule would answer every failure.
    ['ruleReflector.rules.0.match', [{ match: '', transform }], /expected match/],
    ['ruleReflector.rules.0.reasn', [{ match: /date/, transform, reasn: 'ISO date' }], /unknown option; did you mean reason\?/],
  ])('refuses %s', (option, rules, message) => {
    const error = configError(() => ruleReflector(rules as never));
    expect(error.option).toBe(option);
    expect(error.message).toMatch(message);
  });
});

describe('schemaReflector(options)', () => {
  it.each([
    ['schemaReflector', null, /expected \{ schema\?, then\? \} \(got null\)/],
    ['schemaReflector', 5, /expected \{ schema\?, then\? \}/],
    ['schemaReflector', 'x', /expected \{ schema\?, then\? \}/],
    ['schemaReflector.zzz', { zzz: 1 }, /unknown option/],
    ['schemaReflector.shema', { shema: z.object({}) }, /did you mean schema\?/],
    ['schemaReflector.schema', { schema: {} }, /schema must be a zod schema \(an object with safeParse\)/],
    ['schemaReflector.then', { then: 'x' }, /then must be a reflector function/],
  ])('refuses %s (case %#)', (option, options, message) => {
    const error = configError(() => schemaReflector(options as never));
    expect(error.option).toBe(option);
    expect(error.message).toMatch(message);
  });
});
