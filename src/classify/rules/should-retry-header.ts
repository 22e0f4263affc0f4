import type { Classification } from '../classification.js';
import type { ErrorFacts } from '../error-facts.js';
import { readHeader } from '../headers.js';
import { statusVerdict } from './http-status.js';
import { verdict } from '../verdict.js';

/**
 * The server's own word, in the `x-should-retry` response header (OpenAI and Anthropic send it;
 * their SDKs obey it before the status). `true` makes the failure transient; `false` makes a
 * failure the status would retry permanent, and leaves a `recoverable` one (new arguments are not
 * a retry of the same request) to the status rule. The category stays the status's.
 */
export function classifyByShouldRetry(facts: ErrorFacts): Classification | undefined {
  const value = readHeader(facts.headers, 'x-should-retry')?.trim().toLowerCase();
  if (value !== 'true' && value !== 'false') return undefined;
  const byStatus = facts.status === undefined ? undefined : statusVerdict(facts.status, '');
  const reason = `x-should-retry: ${value}` + (facts.status === undefined ? '' : ` (HTTP ${facts.status})`);
  if (value === 'true') return verdict('transient', byStatus?.category ?? 'server_says_retry', reason);
  if (byStatus !== undefined && byStatus.disposition !== 'transient') return undefined;
  return verdict('permanent', byStatus?.category ?? 'server_says_no_retry', reason);
}
