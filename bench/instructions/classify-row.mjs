// One classification row of `npm run bench:instructions`, run under valgrind as row.mjs is: one
// `classify` per call, looped without an await (as bench/scenarios/classification.ts). A file of
// its own, so that row.mjs's program, heap and GC schedule, and so its counts, stay as they were.
import { ErrorClassifier } from '../../dist/index.js';

const errors = {
  // The message pattern's error, again and again: its verdict is remembered after the first.
  'classify-message': () => [new Error('The upstream model is overloaded, please try again later')],
  // 1,000 distinct messages in turn, more than the classifier remembers: each is scanned as new.
  'classify-message-distinct': () => Array.from({ length: 1_000 }, (_, i) => new Error(`The upstream model is overloaded (shard ${i}), please try again later`)),
}[process.env.ROW]?.();
if (errors === undefined) throw new Error(`unknown ROW ${process.env.ROW}; known: classify-message, classify-message-distinct`);

const classifier = new ErrorClassifier();
let next = 0;
let verdicts = 0;
function loop(ops) {
  for (let i = 0; i < ops; i++) verdicts += classifier.classify(errors[next++ % errors.length]).reason.length;
}
loop(100_000); // warm-up: every function on the path optimised by TurboFan
loop(Number(process.env.ROW_OPS));
if (verdicts < 0) console.log(verdicts); // read, so that the engine keeps every classify
