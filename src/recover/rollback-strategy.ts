import type { Execution } from '../pipeline/execution.js';
import type { FailureStrategy } from '../pipeline/step.js';
import { rollBack, takeSnapshot } from './rollback-step.js';

/**
 * Rollback and compensation around the retry loop: the snapshot before the first attempt (fn is
 * not called when it cannot be taken), and once the loop cannot succeed, compensate then restore,
 * once, before any fallback runs.
 */
export const rollbackStrategy: FailureStrategy = {
  name: 'rollback',
  before: (run: Execution) => run.plan.rollback === undefined || takeSnapshot(run),
  onFailure: rollBack,
};
