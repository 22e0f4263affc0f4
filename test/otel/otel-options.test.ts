// The options of instrumentOpenTelemetry: a wrong one is a HealingConfigError naming it, never a
// TypeError from inside nor `enabled: false` (which means "@opentelemetry/api is not installed").
import * as api from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { HealingPipeline } from '../../src/index.js';
import { instrumentOpenTelemetry } from '../../src/otel/index.js';
import { configError } from '../helpers/config-error.js';

describe('instrumentOpenTelemetry options', () => {
  it.each([
    ['instrumentOpenTelemetry', null, /expected \{ api\?, tracerProvider\?, meterProvider\? \} \(got null\)/],
    ['instrumentOpenTelemetry.api', { api: {} }, /expected the @opentelemetry\/api module .* with trace\.getTracer and metrics\.getMeter/],
    ['instrumentOpenTelemetry.api', { api: { trace: api.trace } }, /metrics\.getMeter/],
    ['instrumentOpenTelemetry.tracerProvider', { tracerProvider: 5 }, /expected a tracer provider, with getTracer\(name\) .* \(got 5\)/],
    ['instrumentOpenTelemetry.meterProvider', { meterProvider: api.trace }, /expected a meter provider, with getMeter\(name\)/],
    ['instrumentOpenTelemetry.tracerProvidr', { tracerProvidr: api.trace }, /unknown option; did you mean tracerProvider\?/],
  ])('refuses %s (case %#)', (option, options, message) => {
    const error = configError(() => instrumentOpenTelemetry(new HealingPipeline(), options as never));
    expect(error.option).toBe(option);
    expect(error.message).toMatch(message);
  });
});
