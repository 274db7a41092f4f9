import { MemoryStore } from './memory-store.js';

describe('MemoryStore', () => {
  it('given a value taken once, when it is taken again, then nothing is returned (single use)', () => {
    const store = new MemoryStore<string>(60_000);
    const id = store.add('transaction');

    expect(store.take(id)).toBe('transaction');
    expect(store.take(id)).toBeUndefined();
  });

  it('given an expired value, when it is read, then nothing is returned', () => {
    let now = 1_000;
    const store = new MemoryStore<string>(60_000, 10, () => now);
    const id = store.add('session');

    now += 60_000;

    expect(store.get(id)).toBeUndefined();
  });

  it('given a full store, when a value is added, then the oldest one is dropped', () => {
    const store = new MemoryStore<number>(60_000, 2);
    const first = store.add(1);
    const second = store.add(2);
    const third = store.add(3);

    expect([store.get(first), store.get(second), store.get(third)]).toEqual([undefined, 2, 3]);
    expect(store.size).toBe(2);
  });

  it('given an unknown or missing id, when it is read, then nothing is returned', () => {
    const store = new MemoryStore<string>(60_000);

    expect(store.get('unknown')).toBeUndefined();
    expect(store.get(undefined)).toBeUndefined();
  });
});
