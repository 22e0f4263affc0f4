import { describe, expect, it } from 'vitest';
import { RecentPlans, Rebind } from '../../src/pipeline/recent-plans.js';
import { validateOptions, type ExecutionPlan } from '../../src/pipeline/plan.js';
import type { HealingOptions } from '../../src/index.js';

// Inline options: each call site writes its own literal, a new object every call.
const literal = (circuitName: string | undefined, maxAttempts = 3): HealingOptions =>
  ({ circuitName, retry: { maxAttempts }, fallback: () => `served for ${circuitName}` });
const planFor = (label: string) => ({ label }) as unknown as ExecutionPlan;
/** Keeps `plan` for `options` as the pipeline does: with the schema's copy of them. */
const remember = (recent: RecentPlans, options: HealingOptions, plan: ExecutionPlan) => recent.remember(options, validateOptions(options), plan);

describe('RecentPlans', () => {
  it('finds the plan of each of 50 call sites taken in turn, each with its own fallback to rebind', () => {
    const recent = new RecentPlans();
    const plans = new Map<string, ExecutionPlan>();
    for (let site = 0; site < 50; site++) {
      const plan = planFor(`site-${site}`);
      plans.set(`site-${site}`, plan);
      remember(recent, literal(`site-${site}`), plan);
    }
    for (let round = 0; round < 3; round++) {
      for (let site = 0; site < 50; site++) {
        expect(recent.find(literal(`site-${site}`))).toBe(plans.get(`site-${site}`));
        expect(recent.rebind).toBe(Rebind.FALLBACK);
      }
    }
    expect(recent.find(literal('site-7', 4))).toBeUndefined(); // another value: the schema judges
    expect(recent.find(literal('site-50'))).toBeUndefined();
  });

  it('keeps four shapes per circuit (and for options without one), forgetting the oldest', () => {
    const recent = new RecentPlans();
    for (const circuit of ['api', undefined]) {
      for (let attempts = 1; attempts <= 5; attempts++) remember(recent, literal(circuit, attempts), planFor(`${circuit}-${attempts}`));
      expect(recent.find(literal(circuit, 1))).toBeUndefined();
      for (let attempts = 2; attempts <= 5; attempts++) expect(recent.find(literal(circuit, attempts))).toEqual(planFor(`${circuit}-${attempts}`));
    }
  });

  it('keeps 128 circuits, forgetting the one added first', () => {
    const recent = new RecentPlans();
    for (let site = 0; site <= 128; site++) remember(recent, literal(`site-${site}`), planFor(`site-${site}`));
    expect(recent.find(literal('site-0'))).toBeUndefined();
    expect(recent.find(literal('site-1'))).toEqual(planFor('site-1'));
    expect(recent.find(literal('site-128'))).toEqual(planFor('site-128'));
  });
});
