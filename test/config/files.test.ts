import Database from 'better-sqlite3';
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigStore } from '../../src/config/config.js';
import { makePrivateDir, preparePrivateDatabase, writePrivateFile } from '../../src/config/files.js';
import { SecretVault } from '../../src/config/vault.js';
import { ExchangeRegistry } from '../../src/exchanges/registry.js';
import { run, scriptedPrompter, tempConfigDir } from '../support/cli.js';
import { paperState, paperVenue } from '../support/paper-venue.js';

const KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const mode = (path: string) => statSync(path).mode & 0o777;

/** Every file and directory under `root` (root included) with its mode, for one readable assertion. */
function modes(root: string): Record<string, string> {
  const entries = ['', ...readdirSync(root, { recursive: true }).map(String)];
  return Object.fromEntries(entries.sort().map((entry) => [entry || '.', mode(join(root, entry)).toString(8)]));
}

// Under umask 000 anything created without an explicit mode comes out 0666/0777: these tests fail
// if a file or directory is made without one.
let previousUmask: number;
beforeEach(() => {
  previousUmask = process.umask(0);
});
afterEach(() => {
  process.umask(previousUmask);
});

describe('private files under umask 000', () => {
  it('makePrivateDir creates every missing level 0700 and leaves existing parents alone', () => {
    const root = tempConfigDir();
    chmodSync(root, 0o755);
    makePrivateDir(join(root, 'a', 'b', 'c'));
    expect(modes(root)).toEqual({ '.': '755', a: '700', 'a/b': '700', 'a/b/c': '700' });
  });

  it('makePrivateDir tightens its own directory when an older version left it loose', () => {
    const root = tempConfigDir();
    mkdirSync(join(root, 'secrets'), { mode: 0o777 });
    makePrivateDir(join(root, 'secrets'));
    expect(mode(join(root, 'secrets'))).toBe(0o700);
  });

  it('writePrivateFile writes 0600, replaces a loose file with a 0600 one, and leaves no temporary file', () => {
    const root = tempConfigDir();
    const path = join(root, 'd', 'f.json');
    writePrivateFile(path, 'one');
    expect(modes(root)).toMatchObject({ d: '700', 'd/f.json': '600' });
    chmodSync(path, 0o666);
    writePrivateFile(path, 'two');
    expect(modes(root)).toEqual({ '.': '700', d: '700', 'd/f.json': '600' });
  });

  it('config.json, the secret store and their directories are private, made from nothing', async () => {
    const configDir = join(tempConfigDir(), 'home', '.config', 'betmirror');
    const config = new ConfigStore(configDir);
    config.saveProfile('default', { exchange: 'paper' });
    await new SecretVault(config.vaultPath('default'), 10).write('a good password', { k: 'v' });
    expect(modes(join(configDir, '..', '..'))).toEqual({
      '.': '700',
      '.config': '700',
      '.config/betmirror': '700',
      '.config/betmirror/config.json': '600',
      '.config/betmirror/secrets': '700',
      '.config/betmirror/secrets/default.vault.json': '600',
    });
  });

  it('auth through the CLI leaves only 0600 files in 0700 directories, tightening a loose config dir', async () => {
    const configDir = tempConfigDir();
    chmodSync(configDir, 0o777);
    writeFileSync(join(configDir, 'config.json'), '{}', { mode: 0o666 });
    const registry = new ExchangeRegistry([paperVenue(paperState())]);
    const prompter = scriptedPrompter({ password: [KEY, 'correct horse', 'correct horse'] });
    const result = await run(['auth', '--exchange', 'paper'], { registry, prompter, configDir, tty: true });
    expect(result.code).toBe(0);
    expect(modes(configDir)).toEqual({ '.': '700', 'config.json': '600', secrets: '700', 'secrets/default.vault.json': '600' });
  });

  it('preparePrivateDatabase makes SQLite create its database, -wal and -shm files 0600', () => {
    const stateDir = join(tempConfigDir(), 'state', 'default');
    const path = join(stateDir, 'mirror.sqlite');
    preparePrivateDatabase(path);
    const db = new Database(path);
    try {
      db.pragma('journal_mode = WAL');
      db.exec('CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1)');
      expect(modes(join(stateDir, '..'))).toEqual({
        '.': '700',
        default: '700',
        'default/mirror.sqlite': '600',
        'default/mirror.sqlite-shm': '600',
        'default/mirror.sqlite-wal': '600',
      });
    } finally {
      db.close();
    }
  });

  it('preparePrivateDatabase tightens a database and WAL files an older version left 0644, keeping their data', () => {
    const stateDir = join(tempConfigDir(), 'state', 'default');
    const path = join(stateDir, 'mirror.sqlite');
    mkdirSync(stateDir, { recursive: true, mode: 0o755 });
    const old = new Database(path);
    old.pragma('journal_mode = WAL');
    old.exec('CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (7)');
    for (const file of readdirSync(stateDir)) chmodSync(join(stateDir, file), 0o644);
    preparePrivateDatabase(path);
    expect(Object.values(modes(stateDir))).toEqual(['700', '600', '600', '600']);
    old.close();
    const reopened = new Database(path);
    expect(reopened.prepare('SELECT x FROM t').get()).toEqual({ x: 7 });
    reopened.close();
  });
});
