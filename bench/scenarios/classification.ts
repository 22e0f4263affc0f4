import { check, measure } from '../harness.js';
import type { BenchSettings, ScenarioResult } from '../types.js';
import { lib } from '../library.js';

const { ErrorClassifier } = lib;

const RULE_COUNT = 50;
const DISTINCT_MESSAGES = 1_000;

/** Scenario 4: the cost of one `classify(error)`, with the defaults and behind 50 user rules. */
export async function classification(settings: BenchSettings): Promise<ScenarioResult> {
  const httpError = Object.assign(new Error('Request failed with status code 503'), { status: 503 });
  const networkError = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
  const messageError = new Error('The upstream model is overloaded, please try again later');

  // Distinct messages in turn, more than the classifier remembers: each is scanned as if new.
  const distinctErrors = Array.from({ length: DISTINCT_MESSAGES }, (_, i) => new Error(`The upstream model is overloaded (shard ${i}), please try again later`));
  let next = 0;

  const classifier = new ErrorClassifier();
  const withRules = new ErrorClassifier();
  for (let i = 0; i < RULE_COUNT; i++) {
    // Realistic user rules: anchored words and alternations, none of which matches the errors above.
    withRules.addRule({ match: new RegExp(`tenant[-_ ]${i}\\b.*(quota|limit) (exceeded|reached)|plan-${i} disabled`, 'i'), disposition: 'permanent', category: `rule_${i}` });
  }

  check(classifier.classify(httpError).category === 'unavailable', 'HTTP 503 not classified by status');
  check(classifier.classify(networkError).category === 'network', 'ECONNRESET not classified by code');
  check(classifier.classify(messageError).reason.startsWith('message matches'), 'overloaded not classified by message');
  check(classifier.classify(distinctErrors[0]!).category === classifier.classify(messageError).category, 'a distinct overloaded message classified otherwise');
  check(withRules.classify(httpError).category === 'unavailable', 'a user rule matched where none should');
  check(withRules.classify(messageError).reason.startsWith('message matches'), 'a user rule matched the message error');

  const rows = await measure([
    { id: 'http', label: 'classify(Error with status 503)', run: () => classifier.classify(httpError), sync: true },
    { id: 'network', label: "classify(Error with code 'ECONNRESET')", run: () => classifier.classify(networkError), sync: true },
    { id: 'message', label: 'classify(Error "...overloaded...") by message pattern', run: () => classifier.classify(messageError), sync: true },
    {
      id: 'message-distinct', label: `classify by message pattern, ${DISTINCT_MESSAGES.toLocaleString('en-US')} distinct messages in turn (none remembered)`,
      run: () => classifier.classify(distinctErrors[next++ % DISTINCT_MESSAGES]!), sync: true,
    },
    { id: 'rules-http', label: `classify(status 503) behind ${RULE_COUNT} non-matching regex rules`, run: () => withRules.classify(httpError), sync: true },
    { id: 'rules-message', label: `classify(message error) behind ${RULE_COUNT} non-matching regex rules`, run: () => withRules.classify(messageError), sync: true },
  ], settings);
  return {
    id: 'classify',
    title: '4. Classification (sync)',
    unit: 'ns/op',
    rows,
    notes: [
      'The verdicts of the last 128 messages (up to 512 characters) are remembered, so the same message again, as in an outage, is not scanned again; the distinct-messages row is what a message seen for the first time costs.',
      `The ${RULE_COUNT} user rules are case-insensitive regexes like /tenant[-_ ]7\\b.*(quota|limit) (exceeded|reached)|plan-7 disabled/i.`,
    ],
  };
}
