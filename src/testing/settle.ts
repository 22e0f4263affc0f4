// How ManualClock lets quick async work finish between two timers, without reading real time.

/**
 * The most turns of the event loop one settle takes: a guard against work that never stops
 * queueing more (a `setImmediate` loop, an endless stream), so `advance` always resolves. Quick
 * work (a chain of awaits, a mock answering on `setImmediate`, a file read) takes a handful.
 */
export const MAX_TURNS = 10_000;

type Schedule = (resume: () => void) => unknown;

/**
 * The real `setImmediate`, captured at import: a test that fakes the global timers afterwards
 * (`vi.useFakeTimers()`) must not freeze the clock's own turns of the event loop. When they were
 * faked before (a `setupFiles` that fakes them), what is found is the fake: @sinonjs/fake-timers
 * (behind vitest's and jest's fake timers) marks each function it fakes with its `clock`, which
 * keeps the original as `_setImmediate`.
 */
function realSetImmediate(): Schedule {
  const found = typeof globalThis.setImmediate === 'function' ? globalThis.setImmediate : globalThis.setTimeout;
  const original = (found as { clock?: { _setImmediate?: unknown; _setTimeout?: unknown } }).clock;
  const real = original === undefined ? found : (original._setImmediate ?? original._setTimeout);
  return (typeof real === 'function' ? real : found).bind(globalThis) as Schedule;
}

const nextTurn = realSetImmediate();
const activeResources = typeof process === 'object' && typeof process.getActiveResourcesInfo === 'function'
  ? process.getActiveResourcesInfo.bind(process)
  : () => [] as string[];

/**
 * Work of the event loop under way that ends by itself: a queued `setImmediate`, a file or DNS
 * request, a socket connect or write. What stays open (a server, a socket, a real timer) is not
 * waited for: it would never end, and a real timer is real time.
 */
const ONE_SHOT = /Req|^(Immediate|WriteWrap|ShutdownWrap|SendWrap|\w+ConnectWrap)$/; // Req: FSReqPromise, CloseReq, GetAddrInfoReqWrap...

function workUnderWay(): boolean {
  return activeResources().some((name) => ONE_SHOT.test(name));
}

/**
 * Lets everything already started settle: turns the event loop (every queued microtask runs
 * before a turn ends, then the `setImmediate`s queued before it and the I/O that completed)
 * until no immediate or I/O request is left, at most {@link MAX_TURNS} times. It counts turns,
 * never real time, so what settles does not depend on the machine's speed.
 */
export async function settle(): Promise<void> {
  for (let turn = 0; turn < MAX_TURNS; turn++) {
    await new Promise<void>((resume) => { nextTurn(resume); });
    if (!workUnderWay()) return;
  }
}
