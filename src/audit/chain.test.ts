import { describe, expect, it } from 'vitest';
import { Chain, checkSignature, deriveAuditKey, genesisHash, sha256 } from './chain.js';

const key = deriveAuditKey('k1', Buffer.alloc(32, 1));

describe('the chain', () => {
  it('numbers lines from 1 and links each to the hash of the one before, from the genesis value', () => {
    const c = new Chain('s1', key);
    const a = c.line({ x: 1 });
    const b = c.line({ x: 2 });
    expect(JSON.parse(a)).toEqual({ stream: 's1', seq: 1, prevHash: genesisHash('s1'), x: 1 });
    expect(JSON.parse(b)).toMatchObject({ seq: 2, prevHash: sha256(a) });
    expect(genesisHash('s1')).not.toBe(genesisHash('s2'));
  });

  it('signs checkpoints of the chain head; a checkpoint is a link itself', () => {
    const c = new Chain('s1', key);
    const a = c.line({ x: 1 });
    const cp = JSON.parse(c.checkpoint(new Date(0)));
    expect(cp).toMatchObject({
      type: 'checkpoint',
      stream: 's1',
      seq: 2,
      hash: sha256(a),
      keyId: 'k1/audit-v1',
    });
    expect(checkSignature(key, 's1', 2, cp.hash, cp.sig)).toBe(true);
    expect(checkSignature(key, 's1', 3, cp.hash, cp.sig)).toBe(false);
    expect(checkSignature(deriveAuditKey('k1', Buffer.alloc(32, 2)), 's1', 2, cp.hash, cp.sig)).toBe(false);
    expect(c.pending).toBe(0);
    expect(JSON.parse(c.line({})).seq).toBe(3);
  });

  it('derives a key that is not the master key and names it by the master key id', () => {
    const master = Buffer.alloc(32, 9);
    const k = deriveAuditKey('main', master);
    expect(k.key.equals(master)).toBe(false);
    expect(k.key).toHaveLength(32);
    expect(k.id).toBe('main/audit-v1');
  });
});
