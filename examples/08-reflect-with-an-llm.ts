/**
 * 8. The same repair as example 7, by a language model. Needs a provider, so it is not part of
 *    `npm run demo`; point it at any OpenAI-compatible endpoint:
 *
 *      LLM_BASE_URL=https://api.openai.com/v1 LLM_API_KEY=sk-... LLM_MODEL=gpt-4o-mini npx tsx examples/08-reflect-with-an-llm.ts
 *      LLM_BASE_URL=http://127.0.0.1:11434/v1 LLM_MODEL=llama3.1 npx tsx examples/08-reflect-with-an-llm.ts   # Ollama
 *
 *    The model sees only the redacted error and args, the args' JSON Schema and the fields it may
 *    change; its reply is parsed and checked like any untrusted input before the call runs again.
 */
import { z } from 'zod';
import { executeWithHealing } from '../src/index.js';
import { createLLMReflector, openAICompatible } from '../src/reflect/llm/index.js';
import { formatResult } from './print-result.js';

const eventSchema = z.strictObject({
  title: z.string().min(1),
  date: z.iso.date(),
  durationMinutes: z.number().int().positive(),
  apiToken: z.string(),
});
type NewEvent = z.infer<typeof eventSchema>;

async function createEvent(input: NewEvent) {
  const event = eventSchema.parse(input);
  return { id: 'evt_1', date: event.date };
}

const { LLM_BASE_URL: baseURL, LLM_API_KEY: apiKey, LLM_MODEL: model } = process.env;
if (!baseURL || !model) {
  console.log('Set LLM_BASE_URL and LLM_MODEL (and LLM_API_KEY if your provider needs one); see the comment at the top of this file.');
} else {
  const reflector = createLLMReflector<NewEvent>({
    complete: openAICompatible({ baseURL, apiKey, model }),
    instructions: 'Dates are ISO 8601 (YYYY-MM-DD). Durations are whole minutes.',
  });
  const sloppy = { title: 'Design review', date: 'January 19th, 2026', durationMinutes: 'half an hour', apiToken: 'tok_live_do_not_send' };
  const result = await executeWithHealing(createEvent, sloppy as unknown as NewEvent, {
    argsSchema: eventSchema,
    reflector,
    maxReflections: 2,
    reflectionBudget: (spent) => spent.tokens < 5_000,
    logger: console as never,
  });
  console.log(formatResult(result));
}
