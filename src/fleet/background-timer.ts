import { unrefTimer, type Clock } from '../clock.js';

/**
 * At most one pending timer (a flush, a rejoin, a probe at the break's end). Unref'd, so a
 * breaker waiting on the store never keeps a process alive.
 */
export class BackgroundTimer {
  private handle: unknown = undefined;

  constructor(private readonly clock: Clock) {}

  get armed(): boolean {
    return this.handle !== undefined;
  }

  /** Runs `task` after `delayMs`, unless the timer is already armed (the earlier run covers it). */
  arm(delayMs: number, task: () => void): void {
    if (this.handle !== undefined) return;
    this.handle = unrefTimer(this.clock.setTimeout(() => {
      this.handle = undefined;
      task();
    }, delayMs));
  }

  cancel(): void {
    if (this.handle !== undefined) this.clock.clearTimeout(this.handle);
    this.handle = undefined;
  }
}
