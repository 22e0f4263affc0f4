import type { Classification } from '../classification.js';
import type { ClientFamily } from './client-family.js';
import { readProperty } from '../error-facts.js';
import { providerCodeVerdict, providerMessageVerdict } from '../rules/llm-provider.js';
import { networkCodeIn } from '../rules/network-codes.js';
import { statusVerdict } from '../rules/http-status.js';
import { verdict } from '../verdict.js';

/** The provider's own error, as the AI SDK parsed it from the body (`data.error`). */
function providerVerdict(error: unknown): Classification | undefined {
  const body = readProperty(readProperty(error, 'data'), 'error');
  return providerCodeVerdict(readProperty(body, 'code'), 'AI SDK provider code') ??
    providerCodeVerdict(readProperty(body, 'type'), 'AI SDK provider type');
}

/**
 * The Vercel AI SDK (`ai`, `@ai-sdk/*`): an `AI_APICallError` with `statusCode`,
 * `responseHeaders` (read for `Retry-After`), `isRetryable` and the provider's parsed body in
 * `data`. The provider's code and wording decide first; with a status, the status rule decides;
 * without one the call never got an answer ("Cannot connect to API"), so the system error in
 * `cause` decides, else the SDK's own `isRetryable`. An `AI_RetryError` (the SDK's retries ran
 * out) is classified by its `lastError`; `AI_LoadAPIKeyError` is a missing key.
 */
export const vercelAiFamily: ClientFamily = {
  name: 'Vercel AI SDK',
  claims: (facts) => facts.name === 'AI_APICallError' || facts.name === 'AI_LoadAPIKeyError',
  classify(error, facts) {
    if (facts.name === 'AI_LoadAPIKeyError') return verdict('permanent', 'auth', 'AI SDK AI_LoadAPIKeyError');
    if (facts.name !== 'AI_APICallError') return undefined;
    const provider = providerVerdict(error) ?? providerMessageVerdict(facts.message, 'AI SDK');
    if (provider !== undefined) return provider;
    const retryable = readProperty(error, 'isRetryable') === true;
    if (facts.status !== undefined) {
      // The SDK retries 408, 409, 429 and 5xx; where the status rule would not (a 409), follow it.
      const byStatus = statusVerdict(facts.status, `AI SDK HTTP ${facts.status} (isRetryable)`);
      return retryable && byStatus !== undefined && byStatus.disposition !== 'transient'
        ? verdict('transient', byStatus.category, byStatus.reason)
        : undefined;
    }
    const network = networkCodeIn(readProperty(error, 'cause'), 'AI SDK APICallError');
    if (network !== undefined) return network;
    return retryable
      ? verdict('transient', 'network', 'AI SDK APICallError (isRetryable)')
      : undefined;
  },
};
