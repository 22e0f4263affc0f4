import type { HealingAction, HealingActionKind } from '../pipeline/healing-result.js';
import type { HealingLogger } from './logger.js';
import { ignoreRejection } from '../core/guards.js';

// The built-in kinds, and those of the built-in recovery strategies (custom kinds log at info).
const LEVEL: Record<HealingActionKind | 'restart' | 'reconfigure' | 'isolate' | 'escalate', 'info' | 'warn'> = {
  retry: 'info',
  reflect: 'info',
  timeout: 'info',
  fallback: 'warn',
  rollback: 'warn',
  circuit_open: 'warn',
  bulkhead: 'warn',
  degraded: 'info',
  hedge: 'info',
  give_up: 'warn',
  restart: 'warn',
  reconfigure: 'info',
  isolate: 'warn',
  escalate: 'warn',
};

/**
 * Writes one pino-style line for a healing action: `logger.info({ kind, circuit, attempt, severity, ... }, detail)`,
 * at its kind's level, or at `error` when the error that led to it is `critical`.
 * A logger that throws, or whose method returns a promise that rejects (an async sink that is
 * down), is ignored: logging must never break the call it describes, nor leave a rejection unhandled.
 */
export function logAction(logger: HealingLogger, action: HealingAction, pipeline?: string): void {
  try {
    const { detail, ...fields } = action;
    // `pipeline` (the pipeline's `name` option, when set) matches the events', metrics' and statistics' label.
    const head = pipeline === undefined ? { healing: true } : { healing: true, pipeline };
    const level = action.severity === 'critical' ? 'error' : (LEVEL[action.kind as keyof typeof LEVEL] ?? 'info');
    ignoreRejection(logger[level]({ ...head, ...fields }, `self-healing ${action.kind}: ${detail}`));
  } catch {
    // deliberately ignored, see above
  }
}
