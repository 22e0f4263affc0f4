// Every public `on` refuses an event its emitter does not have, the way the pipeline's does: a
// listener for 'opened' (the event is 'open') would never be called, while the breaker opens.
import { describe, expect, it } from 'vitest';
import { AdaptiveHealing, CircuitBreakerRegistry, GracefulDegradation, HealingPipeline } from '../../src/index.js';
import { SharedCircuitBreaker, MemoryStateStore } from '../../src/fleet/index.js';
import { configError } from '../helpers/config-error.js';
import { ManualClock } from '../helpers/manual-clock.js';

const registry = new CircuitBreakerRegistry({ clock: new ManualClock() });
const CIRCUIT_EVENTS = 'open, halfOpen, close, stateChange, reject';

describe('on(event, listener) of every emitter', () => {
  it.each([
    ['registry', () => registry.on('opened' as never, () => {}), `unknown registry event "opened"; known: added, removed, ${CIRCUIT_EVENTS}`],
    ['circuit breaker', () => registry.get('api').on('opened' as never, () => {}), `unknown circuit breaker event "opened"; known: ${CIRCUIT_EVENTS}`],
    ['graceful degradation', () => new GracefulDegradation().on('disable' as never, () => {}),
      'unknown graceful degradation event "disable" (did you mean "disabled"?); known: disabled, enabled'],
    ['adaptive healing', () => new AdaptiveHealing().on('escalte' as never, () => {}), 'unknown adaptive healing event "escalte" (did you mean "escalate"?); known: escalate'],
    ['shared circuit breaker', () => new SharedCircuitBreaker('shared', { store: new MemoryStateStore(), clock: new ManualClock() }).on('storeDown' as never, () => {}),
      `unknown shared circuit breaker event "storeDown"; known: ${CIRCUIT_EVENTS}, storeUnavailable, storeRecovered`],
    ['pipeline', () => new HealingPipeline().on('Retry' as never, () => {}), 'unknown pipeline event "Retry" (did you mean "retry"? event names are case-sensitive); known: attempt, action, retry'],
  ])('the %s: on() refuses an unknown event, listing the known ones', (_emitter, subscribe, message) => {
    const error = configError(subscribe);
    expect(error.option).toBe('event');
    expect(error.message).toContain(message);
  });

  it.each([
    ['registry', () => registry.on('open', 42 as never)],
    ['circuit breaker', () => registry.get('api').on('open', 'log' as never)],
    ['graceful degradation', () => new GracefulDegradation().on('disabled', null as never)],
    ['adaptive healing', () => new AdaptiveHealing().on('escalate', {} as never)],
  ])('the %s: on() refuses a listener that is not a function', (_emitter, subscribe) => {
    const error = configError(subscribe);
    expect(error.option).toBe('listener');
    expect(error.message).toMatch(/expected a function, got (number|string|object)/);
  });

  it('keeps a breaker whose subscription was refused as it was, and hears the known event', () => {
    const local = new CircuitBreakerRegistry({ clock: new ManualClock() });
    const breaker = local.get('svc', { failureThreshold: 1 });
    const heard: string[] = [];
    expect(() => breaker.on('opened' as never, () => heard.push('opened'))).toThrow(/unknown circuit breaker event/);
    breaker.on('open', ({ reason }) => heard.push(`open (${reason})`));
    breaker.canExecute();
    breaker.recordFailure(new Error('down'));
    expect(breaker.state).toBe('OPEN');
    expect(heard).toEqual(['open (failure-threshold)']);
  });
});
