import type { HealingLogger } from '../../src/index.js';
import type { ChatMessage } from '../../src/reflect/llm/index.js';

/** A logger that keeps every line; `text()` is all of them as JSON, to search for leaks. */
export function captureLogger() {
  const lines: unknown[] = [];
  const log = (fields: unknown, message: unknown) => lines.push({ fields, message });
  const logger: HealingLogger = { info: log, warn: log, error: log };
  return { logger, text: () => JSON.stringify(lines) };
}

/** The `<call>` facts of one prompt, as the LLM reflector writes them. */
const factsOf = (messages: ChatMessage[]) => JSON.parse(/<call>\n([\s\S]*)\n<\/call>/.exec(messages[1]!.content)![1]!);

/**
 * A `complete` that records everything the model would be sent and echoes the args with the
 * region fixed; `facts(i)` is what the i-th request showed, `text()` all of them as JSON.
 */
export function recordingComplete() {
  const sent: ChatMessage[][] = [];
  const complete = async (messages: ChatMessage[]) => {
    sent.push(messages);
    return JSON.stringify({ args: { ...factsOf(messages).args, region: 'eu-west-1' }, reason: 'full region name' });
  };
  return { complete, facts: (index = 0) => factsOf(sent[index]!), text: () => JSON.stringify(sent) };
}
