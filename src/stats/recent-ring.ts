/** The last `capacity` items pushed, oldest overwritten first. */
export class RecentRing<T> {
  private readonly items: T[] = [];
  private next = 0;

  constructor(readonly capacity: number) {}

  push(item: T): void {
    if (this.items.length < this.capacity) this.items.push(item);
    else this.items[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Up to `limit` items, newest first. */
  newest(limit = this.capacity): T[] {
    const out: T[] = [];
    const count = this.items.length;
    for (let i = 1; i <= Math.min(limit, count); i++) out.push(this.items[(this.next - i + count) % count]!);
    return out;
  }

  clear(): void {
    this.items.length = 0;
    this.next = 0;
  }
}
