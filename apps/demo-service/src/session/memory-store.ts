import { randomBytes } from 'node:crypto';

/**
 * A bounded in-memory store with expiry, keyed by random identifiers (32 bytes). Enough for a
 * single-process demo service: a restart forgets everything, and several processes would not
 * share it. Oldest entries are dropped first when it is full.
 */
export class MemoryStore<T> {
  private readonly entries = new Map<string, { value: T; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Keeps `value` under a new random id, which it returns. */
  add(value: T): string {
    this.sweep();
    while (this.entries.size >= this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    const id = randomBytes(32).toString('base64url');
    this.entries.set(id, { value, expiresAt: this.now() + this.ttlMs });
    return id;
  }

  get(id: string | undefined): T | undefined {
    if (!id) return undefined;
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(id);
      return undefined;
    }
    return entry.value;
  }

  /** Returns the value and forgets it: a second call with the same id gets nothing (single use). */
  take(id: string | undefined): T | undefined {
    const value = this.get(id);
    if (id) this.entries.delete(id);
    return value;
  }

  delete(id: string | undefined): void {
    if (id) this.entries.delete(id);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Drops the expired entries (insertion order is expiry order: the TTL is the same for all). */
  private sweep(): void {
    const now = this.now();
    for (const [id, entry] of this.entries) {
      if (entry.expiresAt > now) break;
      this.entries.delete(id);
    }
  }
}
