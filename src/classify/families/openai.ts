import type { ClientFamily } from './client-family.js';
import { readProperty } from '../error-facts.js';
import { isProviderCode, providerCodeVerdict } from '../rules/llm-provider.js';
import { classifyStainlessError, isStainlessApiError } from './stainless-sdk.js';

/**
 * The OpenAI SDK (and OpenAI-compatible servers): an `APIError` with `status`, `headers` and the
 * body's `code` and `type`. The code decides before the status: `insufficient_quota` (a 429) is
 * a spent quota, permanent; `context_length_exceeded` (a 400) is permanent `context_length`;
 * `rate_limit_exceeded` is a rate limit, whose wait the message may name ("try again in 20s").
 * An error with such a `code` or `type` from any client is read the same way.
 */
export const openAiFamily: ClientFamily = {
  name: 'OpenAI SDK',
  claims: (facts, error) => isStainlessApiError(facts) || isProviderCode(facts.code) || isProviderCode((error as { type?: unknown }).type),
  classify(error, facts) {
    const byCode = providerCodeVerdict(facts.code, 'OpenAI code') ?? providerCodeVerdict(readProperty(error, 'type'), 'OpenAI type');
    if (byCode !== undefined) return byCode;
    return isStainlessApiError(facts) ? classifyStainlessError(error, facts, 'OpenAI SDK') : undefined;
  },
};
