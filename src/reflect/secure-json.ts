import { toPlainData } from './plain-data.js';

/** The longest reply text parsed; a model that writes more is not answering the question. */
export const MAX_PROPOSAL_TEXT = 100_000;

/** The outcome of {@link parseProposalText}. */
export type ParsedProposalText =
  | { ok: true; envelope: Record<string, unknown> }
  | { ok: false; problem: 'parse' | 'forbidden-key'; detail: string };

/**
 * The JSON inside one ```json fence, or the text itself. Plain string operations, not a RegExp:
 * a reply is attacker-shaped text, and a backtracking pattern over it could stall the process.
 * The one reading of a fence: a decline and a proposal are unwrapped alike.
 */
export function unfence(text: string): string {
  if (!text.startsWith('```') || !text.endsWith('```') || text.length < 6) return text;
  const firstLine = text.indexOf('\n');
  if (firstLine === -1) return text;
  const language = text.slice(3, firstLine).trim().toLowerCase();
  if (language !== '' && language !== 'json') return text;
  return text.slice(firstLine + 1, text.length - 3);
}

/**
 * Parses a reflector's text reply (`{"args": ..., "reason": "..."}`) as untrusted JSON: JSON only
 * (a single ```json fence around it is tolerated, prose is not), at most 100,000 characters, and
 * copied into fresh plain objects that refuse `__proto__`, `constructor` and `prototype` keys at
 * any depth. Never throws.
 *
 * @example
 * ```ts
 * parseProposalText('{"args":{"date":"2026-01-19"},"reason":"ISO"}'); // { ok: true, envelope: {...} }
 * parseProposalText('Sure! Here are the args: ...');                  // { ok: false, problem: 'parse', ... }
 * ```
 */
export function parseProposalText(text: string): ParsedProposalText {
  if (text.length > MAX_PROPOSAL_TEXT) {
    return { ok: false, problem: 'parse', detail: `the reply is ${text.length} characters long, more than ${MAX_PROPOSAL_TEXT}` };
  }
  const trimmed = text.trim();
  const json = unfence(trimmed);
  let parsed: unknown;
  try {
    // JSON.parse itself is safe: a "__proto__" key becomes an own property, not a prototype.
    // toPlainData below then refuses it, so it can never be merged anywhere later.
    parsed = JSON.parse(json);
  } catch (error) {
    return { ok: false, problem: 'parse', detail: `the reply is not JSON (${(error as Error).message.slice(0, 120)})` };
  }
  const copied = toPlainData(parsed);
  if (!copied.ok) {
    return copied.problem === 'forbidden-key'
      ? { ok: false, problem: 'forbidden-key', detail: `the reply has a forbidden key at ${copied.path}` }
      : { ok: false, problem: 'parse', detail: `the reply holds a value that is not plain data at ${copied.path}` };
  }
  const envelope = copied.value;
  if (envelope === null || typeof envelope !== 'object' || Array.isArray(envelope) || !Object.hasOwn(envelope, 'args')) {
    return { ok: false, problem: 'parse', detail: 'the reply is JSON but not an object with "args"' };
  }
  return { ok: true, envelope: envelope as Record<string, unknown> };
}
