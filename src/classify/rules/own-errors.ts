import { AttemptTimeoutError, CircuitOpenError } from '../../errors.js';
import type { Classification } from '../classification.js';
import type { ErrorFacts } from '../error-facts.js';
import { verdict } from '../verdict.js';

/**
 * The caller's own abort, as each client reports it: fetch, undici, ky, the Vercel AI SDK, the
 * AWS SDK and got (`AbortError`), axios (`CanceledError`, `ERR_CANCELED`), got (`ERR_ABORTED`),
 * node:http (`ABORT_ERR`), undici's dispatcher (`UND_ERR_ABORTED`), the OpenAI and Anthropic SDKs
 * (`APIUserAbortError`, which OpenAI names plain `Error`, so its class name is read too).
 */
const ABORT_NAMES = new Set(['AbortError', 'CanceledError', 'APIUserAbortError', 'RequestAbortedError']);
const ABORT_CODES = new Set(['ERR_CANCELED', 'ERR_ABORTED', 'ABORT_ERR', 'UND_ERR_ABORTED']);

/*
 * Our errors carry their code as an own field, which the facts have read already: a compare of
 * it turns away every other error before any `instanceof` (whose Symbol.hasInstance also
 * recognises another copy of the package). A Proxy that throws is no instance, as in `isInstance`.
 */
function isAttemptTimeout(error: unknown, facts: ErrorFacts): boolean {
  try {
    return facts.ownCode === 'ERR_ATTEMPT_TIMEOUT' && error instanceof AttemptTimeoutError;
  } catch {
    return false;
  }
}

function isCircuitOpen(error: unknown, facts: ErrorFacts): boolean {
  try {
    return facts.ownCode === 'ERR_CIRCUIT_OPEN' && error instanceof CircuitOpenError;
  } catch {
    return false;
  }
}

/**
 * The library's own errors, then the caller's abort. An abort is permanent `aborted`: retrying
 * would override the caller's decision, and the pipeline counts it neither as a success nor as
 * a failure of the dependency. The pipeline's own attempt timeout is an `AttemptTimeoutError`
 * (the attempt's signal aborts with it, and fetch rejects with that reason), matched first, so
 * it stays a transient timeout.
 */
export function classifyOwnErrors(error: unknown, facts: ErrorFacts): Classification | undefined {
  if (isAttemptTimeout(error, facts)) return verdict('transient', 'timeout', 'attempt timed out');
  if (isCircuitOpen(error, facts)) return verdict('permanent', 'circuit_open', 'circuit open');
  const { className } = facts;
  const sign = ABORT_NAMES.has(facts.name) ? facts.name
    : facts.code !== undefined && ABORT_CODES.has(facts.code) ? facts.code
      : ABORT_NAMES.has(className) ? className : undefined;
  return sign === undefined ? undefined : verdict('permanent', 'aborted', `the caller aborted (${sign})`);
}
