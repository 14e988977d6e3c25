/**
 * A fixed pool of equal slots in one SharedArrayBuffer, shared by every large upload of the
 * process: the request's bytes are copied once into a slot, the hash threads and the file
 * writer read that slot in place, and the slot is reused only after each of them released it.
 * When no slot is free, uploads wait (and pause their sockets): memory stays at the ring's size
 * however many uploads run.
 */
export class SlotRing {
  readonly buffer: SharedArrayBuffer;
  readonly bytes: Uint8Array;
  readonly slotSize: number;
  readonly slots: number;
  readonly #buf: Buffer;
  readonly #refs: Uint8Array;
  readonly #free: number[] = [];
  readonly #waiters: (() => void)[] = [];

  constructor(slots: number, slotSize: number) {
    this.slots = slots;
    this.slotSize = slotSize;
    this.buffer = new SharedArrayBuffer(slots * slotSize);
    this.bytes = new Uint8Array(this.buffer);
    this.#buf = Buffer.from(this.buffer);
    this.#refs = new Uint8Array(slots);
    for (let i = slots - 1; i >= 0; i--) this.#free.push(i);
  }

  /** A free slot with one reference (its filler's), or undefined when all are in use. */
  acquire(): number | undefined {
    const slot = this.#free.pop();
    if (slot !== undefined) this.#refs[slot] = 1;
    return slot;
  }

  /** Resolves when a slot may be free (callers retry acquire()). */
  whenFree(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Adds `n` references (the readers a sealed slot is handed to). */
  retain(slot: number, n: number): void {
    this.#refs[slot]! += n;
  }

  /** Drops one reference; the last one frees the slot and wakes the waiting uploads. */
  release(slot: number): void {
    const left = --this.#refs[slot]!;
    if (left > 0) return;
    if (left < 0) throw new Error(`slot ${slot} released too often`);
    this.#free.push(slot);
    for (const wake of this.#waiters.splice(0)) wake();
  }

  /**
   * Copies `source` into a slot at `at`. Buffer#fill with a Buffer as long as the range is one
   * plain memcpy; TypedArray#set and Buffer#copy copy into shared memory with V8's relaxed
   * word-by-word memmove, several times slower on the upload's hot path.
   */
  copyIn(slot: number, at: number, source: Buffer): void {
    const start = slot * this.slotSize + at;
    if (source.length > 0) this.#buf.fill(source, start, start + source.length);
  }

  /** Byte offset of a slot in the buffer. */
  offset(slot: number): number {
    return slot * this.slotSize;
  }

  /** The first `length` bytes of a slot, as a view (no copy). */
  view(slot: number, length: number): Uint8Array {
    return this.bytes.subarray(slot * this.slotSize, slot * this.slotSize + length);
  }

  /** Slots not in use (tests: every upload, finished or failed, gives its slots back). */
  get freeSlots(): number {
    return this.#free.length;
  }
}
