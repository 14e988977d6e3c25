import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AliasStore, configDir, validateAliasName, validateAliasUrl } from './alias-store.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-alias-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const LOCAL = { url: 'http://127.0.0.1:9000', accessKey: 'admin', secretKey: 'admin-secret-1' };

describe('AliasStore', () => {
  it('sets, gets, lists sorted, replaces and removes aliases', () => {
    const store = new AliasStore(join(dir, 'cfg'));
    expect(store.list()).toEqual([]);
    store.set('zeta', { ...LOCAL, url: 'https://s3.example.com/' });
    store.set('local', LOCAL);
    expect(store.list().map(([n]) => n)).toEqual(['local', 'zeta']);
    expect(store.get('zeta').url).toBe('https://s3.example.com');
    store.set('local', { ...LOCAL, secretKey: 'rotated-secret' });
    expect(new AliasStore(join(dir, 'cfg')).get('local').secretKey).toBe('rotated-secret');
    expect(store.remove('zeta')).toBe(true);
    expect(store.remove('zeta')).toBe(false);
    expect(() => store.get('zeta')).toThrow(/no alias "zeta" in .*config\.json/);
  });

  it('creates the directory 0700 and writes the file 0600, tightening a looser existing file', () => {
    const cfg = join(dir, 'cfg');
    mkdirSync(cfg);
    writeFileSync(join(cfg, 'config.json'), '{"version":1,"aliases":{}}', { mode: 0o644 });
    new AliasStore(cfg).set('local', LOCAL);
    expect(statSync(join(cfg, 'config.json')).mode & 0o777).toBe(0o600);
    const fresh = join(dir, 'fresh');
    new AliasStore(fresh).set('local', LOCAL);
    expect(statSync(fresh).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(join(fresh, 'config.json'), 'utf8'))).toEqual({
      version: 1,
      aliases: { local: LOCAL },
    });
  });

  it('refuses bad names, bad URLs and a file that is not a configuration', () => {
    expect(() => validateAliasName('-x')).toThrow(/not valid/);
    expect(() => validateAliasName('a/b')).toThrow(/not valid/);
    expect(validateAliasName('my_alias-1')).toBe('my_alias-1');
    expect(() => validateAliasUrl('ftp://x')).toThrow(/http/);
    expect(() => validateAliasUrl('not a url')).toThrow(/not a URL/);
    expect(() => validateAliasUrl('http://k:s@host:9000')).toThrow(/scheme:\/\/host/);
    expect(() => validateAliasUrl('http://host:9000/bucket')).toThrow(/scheme:\/\/host/);
    expect(validateAliasUrl('HTTP://Host:9000/')).toBe('http://host:9000');
    writeFileSync(join(dir, 'config.json'), '[]');
    expect(() => new AliasStore(dir).list()).toThrow(/not a Tessera configuration/);
  });

  it('lives in TESSERA_CONFIG_DIR, or ~/.tessera', () => {
    expect(configDir({ TESSERA_CONFIG_DIR: '/x/y' })).toBe('/x/y');
    expect(configDir({ TESSERA_CONFIG_DIR: '' })).toBe(join(homedir(), '.tessera'));
    expect(configDir({})).toBe(join(homedir(), '.tessera'));
  });
});
