import { describe, expect, it, vi } from 'vitest';

// A loader that evaluates the package twice in one process (tsx's require hook loads the ES
// modules a second time for a CommonJS dependency that requires the package) gives two copies
// of every module. Two fresh imports of the source stand for them.
async function twoCopies(): Promise<[typeof import('../../src/index.js'), typeof import('../../src/index.js')]> {
  vi.resetModules();
  const first = await import('../../src/index.js');
  vi.resetModules();
  const second = await import('../../src/index.js');
  return [first, second];
}

describe('two copies of the package in one process', () => {
  it('are two copies (the premise of the tests below)', async () => {
    const [a, b] = await twoCopies();
    expect(a.CircuitOpenError).not.toBe(b.CircuitOpenError);
  });

  it("recognise each other's errors by their code, in the is* guards and in instanceof", async () => {
    const [a, b] = await twoCopies();
    const registry = new a.CircuitBreakerRegistry();
    const breaker = registry.get('two-copies', { failureThreshold: 1 });
    breaker.canExecute();
    breaker.recordFailure(new Error('down'));
    const refused = await a.executeWithHealing(async () => 1, undefined, { circuitName: 'two-copies', registry });
    expect(refused.status).toBe('error');
    expect(b.isCircuitOpenError(refused.error)).toBe(true);
    expect(refused.error).toBeInstanceOf(b.CircuitOpenError);
    const open = Object.assign(new Error('open'), { code: 'ERR_CIRCUIT_OPEN' });
    expect(b.isCircuitOpenError(open)).toBe(true);
    const errors: Array<[unknown, (e: unknown) => boolean]> = [
      [a.AttemptTimeoutError.create(5), b.isAttemptTimeoutError],
      [new a.HealingConfigError('retry', 'bad'), b.isHealingConfigError],
      [a.BulkheadRejectedError.create('full', 1, 0), b.isBulkheadRejectedError],
    ];
    for (const [error, guard] of errors) expect(guard(error)).toBe(true);
    expect(new a.NoLastGoodResultError('none')).toBeInstanceOf(b.NoLastGoodResultError);
    expect(new a.RegistryFullError(1, 'x')).toBeInstanceOf(b.RegistryFullError);
  });

  it('share one default registry: a breaker one copy opened refuses the calls of the other', async () => {
    const [a, b] = await twoCopies();
    expect(a.getDefaultRegistry()).toBe(b.getDefaultRegistry());
    const breaker = a.getCircuitBreaker('two-copies-default', { failureThreshold: 1 });
    breaker.canExecute();
    breaker.recordFailure(new Error('down'));
    expect(b.getCircuitBreaker('two-copies-default').state).toBe('OPEN');
    let called = false;
    const result = await b.executeWithHealing(async () => { called = true; return 1; }, undefined, { circuitName: 'two-copies-default' });
    expect(called).toBe(false);
    expect(result.circuitBreakerTriggered).toBe(true);
    a.getDefaultRegistry().delete('two-copies-default');
  });

  it("accept each other's registries as the registry option", async () => {
    const [a, b] = await twoCopies();
    const registry = new a.CircuitBreakerRegistry();
    const result = await new b.HealingPipeline({ registry, circuitName: 'two-copies-own' }).execute(async () => 'served', undefined);
    expect(result).toMatchObject({ status: 'ok', result: 'served' });
    expect(registry.has('two-copies-own')).toBe(true);
    const notRegistry = { get: () => undefined };
    expect(() => new b.HealingPipeline({ registry: notRegistry as never })).toThrow(b.HealingConfigError);
  });

  it('a subclass of an error class is still told apart from its base', async () => {
    const [a] = await twoCopies();
    class TenantRegistryFull extends a.RegistryFullError {}
    expect(new TenantRegistryFull(1, 'x')).toBeInstanceOf(a.RegistryFullError);
    expect(new a.RegistryFullError(1, 'x')).not.toBeInstanceOf(TenantRegistryFull);
    expect(Object.assign(new Error('x'), { code: 'ERR_REGISTRY_FULL' })).not.toBeInstanceOf(TenantRegistryFull);
    expect(Object.assign(new Error('x'), { code: 'ERR_REGISTRY_FULL' })).toBeInstanceOf(a.RegistryFullError);
  });
});
