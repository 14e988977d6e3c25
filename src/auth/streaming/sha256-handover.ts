/**
 * How a payload stream hands its SHA-256 work to its consumer (which may hash on another thread):
 * the stream announces where each segment it must check ends, the consumer reports each
 * segment's SHA-256 in order, and the stream verifies it. The stream does not end until every
 * announced segment was reported and verified, so a consumer that commits only after the
 * stream's end still never commits a payload whose signature did not verify.
 */
export interface Sha256Listener {
  /** A segment to hash ends at this decoded offset (called in order, before its bytes are read). */
  segment(end: number): void;
  /** No further segment follows; the payload is `total` bytes. */
  last(total: number): void;
}

export interface Sha256Handover {
  /** Decoded offset of the first handed-over segment: the stream itself hashed the bytes before it. */
  readonly from: number;
  /** The SHA-256 (lower-case hex) of the next announced segment; a wrong one fails the stream. */
  hashed(hex: string): void;
}

/** A payload stream that can hand its SHA-256 work over (see Sha256Handover). */
export interface Sha256HandingStream {
  /**
   * Stops hashing from the next segment on and calls `listener` instead; undefined when there is
   * nothing to hand over (unsigned chunks, the payload already read, or the stream finished).
   * @example const h = decoder.handOverSha256({ segment: (end) => …, last: (total) => … });
   */
  handOverSha256(listener: Sha256Listener): Sha256Handover | undefined;
}
