import { KeepAlive, unrefTimer, withinTimeout, type Clock } from '../clock.js';
import { toError } from '../errors.js';
import { redactMessage } from '../observe/redact.js';
import { LEVELS, type HealthLevel } from './health-level.js';
import type { CheckResult, HealthCheck } from './health-types.js';

/** The level a check's verdict gives: a known level as answered, `true`/`{ ok: true }` healthy, anything else critical. */
function levelOf(verdict: unknown): HealthLevel {
  if (verdict === true) return 'healthy';
  if (typeof verdict === 'string') return LEVELS.includes(verdict as HealthLevel) ? verdict as HealthLevel : 'critical';
  if (typeof verdict !== 'object' || verdict === null) return 'critical';
  const { level, ok } = verdict as { level?: unknown; ok?: unknown };
  if (level !== undefined) return LEVELS.includes(level as HealthLevel) ? level as HealthLevel : 'critical';
  return ok === true ? 'healthy' : 'critical';
}

/** A component's custom check, and whether its last call still runs after timing out. */
export interface CheckSlot {
  readonly run: HealthCheck;
  /** Its last call timed out and has not settled yet: no run calls it again until it does. */
  stillRunning: boolean;
}

/**
 * Runs one custom check against `timeoutMs`, with a signal that aborts then. Never rejects: a
 * throw, a timeout or a verdict that is neither healthy nor a known level is a `critical` result;
 * its detail is redacted, since it may quote whatever the check touched. A check whose last call
 * still runs is not called again: that run is timed out at once, so slow checks never pile up.
 * Its timer keeps the process alive while `keepAlive` is held (someone awaits the run).
 */
export async function runCheck(clock: Clock, timeoutMs: number, slot: CheckSlot, keepAlive?: KeepAlive): Promise<CheckResult> {
  const started = clock.now();
  let level: HealthLevel = 'critical';
  let detail: string | null = null;
  if (slot.stillRunning) return finished(clock, started, level, `check timed out after ${timeoutMs} ms (its last call is still running)`);
  const controller = new AbortController();
  let call: PromiseLike<unknown> | undefined;
  try {
    const verdict: unknown = await withinTimeout(clock, timeoutMs, () => (call = Promise.resolve(slot.run(controller.signal))), () => {
      const timedOut = new Error(`check timed out after ${timeoutMs} ms`);
      controller.abort(timedOut);
      return timedOut;
    }, keepAlive);
    level = levelOf(verdict);
    const given = typeof verdict === 'object' && verdict !== null ? (verdict as { detail?: unknown }).detail : undefined;
    if (typeof given === 'string') detail = redactMessage(given);
    else if (level === 'critical') detail = 'the check reported a failure';
  } catch (thrown) {
    detail = redactMessage(toError(thrown).message);
    if (controller.signal.aborted && call !== undefined) {
      // Timed out and still running: the slot is busy until it settles (its outcome is dropped).
      slot.stillRunning = true;
      const free = () => { slot.stillRunning = false; };
      call.then(free, free);
    }
  }
  return finished(clock, started, level, detail);
}

function finished(clock: Clock, started: number, level: HealthLevel, detail: string | null): CheckResult {
  const at = clock.now();
  return { ok: level === 'healthy', level, detail, at, durationMs: at - started };
}

/**
 * Runs a monitor's checks now (`runNow`) or every `intervalMs` between `start()` and `stop()`,
 * calling `afterTick` after each interval run. Overlapping runs share one. A run is background
 * work (its timers unref'd) unless someone awaits it through `runNow`, which holds it.
 */
export class CheckSchedule {
  /** The pending interval timer, unref'd; `undefined` while none is set. */
  private handle: unknown = undefined;
  private running = false;
  private checking: { readonly done: Promise<void>; readonly keepAlive: KeepAlive } | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly runAll: (keepAlive: KeepAlive) => Promise<void>,
    private readonly afterTick: () => void,
  ) {}

  /** Whether the checks run on their interval. */
  get monitoring(): boolean {
    return this.running;
  }

  /** The interval's timer handle, if one is pending. */
  get timer(): unknown {
    return this.handle;
  }

  /** The first run at once, then every `intervalMs`. Idempotent. */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.tick();
  }

  /** A run already under way finishes. Idempotent. */
  stop(): void {
    this.running = false;
    if (this.handle !== undefined) this.clock.clearTimeout(this.handle);
    this.handle = undefined;
  }

  /**
   * Runs every check once; resolves when all are done. `awaited` (the default): the caller
   * awaits the run, so its timers keep the process alive until it ends, even when it joins one
   * the interval started.
   */
  runNow(awaited = true): Promise<void> {
    // Overlapping runs share one: a slow check never piles up.
    const run = (this.checking ??= this.startRun());
    if (!awaited) return run.done;
    const release = run.keepAlive.hold();
    return run.done.finally(release);
  }

  private startRun(): { done: Promise<void>; keepAlive: KeepAlive } {
    const keepAlive = new KeepAlive();
    return { keepAlive, done: this.runAll(keepAlive).finally(() => { this.checking = undefined; }) };
  }

  private async tick(): Promise<void> {
    await this.runNow(false);
    this.afterTick();
    if (!this.running || this.handle !== undefined) return;
    const handle = this.clock.setTimeout(() => {
      this.handle = undefined;
      void this.tick();
    }, this.intervalMs);
    // The monitor is a bystander: it must never be why a process stays alive.
    this.handle = unrefTimer(handle);
  }
}
