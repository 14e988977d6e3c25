import { describe, expect, it } from 'vitest';
import { errorCatalog, TesseraError } from '../core/index.js';
import { BodyCut, DebugNote } from './client-gone.js';
import { toTesseraError } from './render-error.js';

function run(e: unknown): { err: TesseraError; logged: [string, unknown][] } {
  const logged: [string, unknown][] = [];
  const err = toTesseraError(e, (message, cause) => logged.push([message, cause]));
  return { err, logged };
}

const errno = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('toTesseraError', () => {
  it('logs an unknown error with its stack and answers InternalError without its message', () => {
    const boom = new Error('disk on fire');
    const { err, logged } = run(boom);
    expect(err.code).toBe('InternalError');
    expect(err.message).not.toContain('fire');
    expect(logged).toEqual([['internal error', boom]]);
  });

  it('passes typed errors through without logging them', () => {
    expect(run(new TesseraError('NoSuchKey')).logged).toEqual([]);
  });

  it('answers a typed 5xx with its catalog message only, no detail, and logs what it said', () => {
    const inner = new TesseraError(
      'InternalError',
      'stored policy service-account/AKIAEXAMPLE does not parse',
    );
    const { err, logged } = run(inner);
    expect([err.code, err.message, err.detail]).toEqual([
      'InternalError',
      errorCatalog.InternalError.message,
      {},
    ]);
    expect(logged).toEqual([[`InternalError: ${inner.message}`, inner]]);
    const busy = run(new TesseraError('SlowDown', undefined, { Reason: 'database is locked' })).err;
    expect([busy.message, busy.detail]).toEqual([errorCatalog.SlowDown.message, {}]);
    // NotImplemented is the caller's answer, not a server fault: not logged.
    expect(run(new TesseraError('NotImplemented', 'Versioning is not implemented.')).logged).toEqual([]);
  });

  it.each(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'HPE_INVALID_EOF_STATE'])(
    'treats %s as a client that went away: one debug note, IncompleteBody',
    (code) => {
      const { err, logged } = run(errno(code, 'aborted'));
      expect(err.code).toBe('IncompleteBody');
      expect(logged).toEqual([[`client disconnected: ${code}`, expect.any(DebugNote)]]);
    },
  );

  it('finds a disconnect in the cause chain, and notes a cut body', () => {
    expect(run(new Error('wrapped', { cause: errno('ECONNRESET') })).err.code).toBe('IncompleteBody');
    const cut = run(new BodyCut('closed'));
    expect(cut.err.code).toBe('IncompleteBody');
    expect(cut.logged).toEqual([['client disconnected: closed', expect.any(DebugNote)]]);
  });
});
