import type { FailureStrategy } from '../pipeline/step.js';
import { runFallbacks } from './fallback-step.js';

/**
 * The fallbacks, around everything that can fail the call: the bulkhead's refusal, the retry
 * loop's last failure (after rollback, so a fallback starts on restored state), an open circuit.
 */
export const fallbackStrategy: FailureStrategy = {
  name: 'fallback',
  onFailure: runFallbacks,
};
