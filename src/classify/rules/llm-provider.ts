import type { Classification, Disposition } from '../classification.js';
import { verdict } from '../verdict.js';

/**
 * What LLM providers' error codes and wording say beyond their HTTP status, shared by the
 * OpenAI, Anthropic and Vercel AI SDK families and by the status rule. Read before the status:
 * OpenAI's `insufficient_quota` arrives as a 429 but is a billing state, and a context that is
 * too long arrives as a 400 but no repair of the same arguments makes it shorter.
 */
type Meaning = readonly [Disposition, string];

/** OpenAI's `code` / `type` values and Anthropic's `error.type` values. */
const PROVIDER_CODES: Readonly<Record<string, Meaning>> = {
  insufficient_quota: ['permanent', 'quota'],
  billing_hard_limit_reached: ['permanent', 'quota'],
  billing_error: ['permanent', 'quota'],
  context_length_exceeded: ['permanent', 'context_length'],
  string_above_max_length: ['permanent', 'context_length'],
  request_too_large: ['permanent', 'payload_too_large'],
  rate_limit_exceeded: ['transient', 'rate_limit'],
  rate_limit_error: ['transient', 'rate_limit'],
  overloaded_error: ['transient', 'overloaded'],
  api_error: ['transient', 'server_error'],
  invalid_api_key: ['permanent', 'auth'],
  authentication_error: ['permanent', 'auth'],
  permission_error: ['permanent', 'auth'],
  model_not_found: ['permanent', 'not_found'],
  not_found_error: ['permanent', 'not_found'],
};

/** Wording that decides whatever the status: linear-time patterns, tried in order. */
const PROVIDER_MESSAGES: ReadonlyArray<readonly [RegExp, Disposition, string]> = [
  [/context[ _-]?length|maximum context|context window|prompt is too long|too many tokens/i, 'permanent', 'context_length'],
  [/credit balance is too low|insufficient[ _]quota|exceeded your current quota/i, 'permanent', 'quota'],
];

/** Whether `code` is one of the provider codes above (own keys only). */
export function isProviderCode(code: unknown): boolean {
  return typeof code === 'string' && Object.hasOwn(PROVIDER_CODES, code);
}

/** The verdict for a provider code, own keys only (`'__proto__'` is no code); `undefined` for others. */
export function providerCodeVerdict(code: unknown, label: string): Classification | undefined {
  if (!isProviderCode(code)) return undefined;
  const [disposition, category] = PROVIDER_CODES[code as string]!;
  return verdict(disposition, category, `${label} ${code}`);
}

/** The verdict for a provider's wording (context too long, credit spent); `undefined` for other text. */
export function providerMessageVerdict(message: string, label: string): Classification | undefined {
  for (const [pattern, disposition, category] of PROVIDER_MESSAGES) {
    if (pattern.test(message)) return verdict(disposition, category, `${label}: ${category.replace('_', ' ')}`);
  }
  return undefined;
}
