import type { ClientFamily } from './client-family.js';
import { isObjectLike, readProperty } from '../error-facts.js';
import { providerCodeVerdict, providerMessageVerdict } from '../rules/llm-provider.js';
import { classifyStainlessError, isStainlessApiError } from './stainless-sdk.js';

/** Where the Anthropic SDK keeps the API's own `error.type` and message. */
function anthropicBody(error: unknown): { type: unknown; message: unknown } {
  const inner = readProperty(readProperty(error, 'error'), 'error');
  return { type: readProperty(inner, 'type'), message: readProperty(error, 'apiMessage') ?? readProperty(inner, 'message') };
}

/**
 * The Anthropic SDK: an `APIError` whose body is `{ type: 'error', error: { type, message } }`.
 * The type decides before the status (`overloaded_error` on a 529, `rate_limit_error`,
 * `billing_error`, ...); an `invalid_request_error` (a 400) whose message says "prompt is too
 * long" is permanent `context_length`, and "credit balance is too low" permanent `quota`.
 */
export const anthropicFamily: ClientFamily = {
  name: 'Anthropic SDK',
  // The body's `error` (an object), or one of the two fields only this SDK's errors carry.
  claims(_facts, error) {
    const { error: body, apiMessage, workspaceID } = error as { error?: unknown; apiMessage?: unknown; workspaceID?: unknown };
    return isObjectLike(body) || apiMessage !== undefined || workspaceID !== undefined;
  },
  classify(error, facts) {
    const body = anthropicBody(error);
    const byType = providerCodeVerdict(body.type, 'Anthropic');
    if (byType !== undefined) return byType;
    if (typeof body.message === 'string') {
      const byMessage = providerMessageVerdict(body.message, `Anthropic ${facts.status ?? ''}`.trim());
      if (byMessage !== undefined) return byMessage;
    }
    const sdk = readProperty(error, 'apiMessage') !== undefined || readProperty(error, 'workspaceID') !== undefined ? 'Anthropic SDK' : undefined;
    return sdk !== undefined && isStainlessApiError(facts) ? classifyStainlessError(error, facts, sdk) : undefined;
  },
};
