/**
 * One running mirror per profile. Two mirrors on one state would both copy every whale fill. The lock
 * is an exclusive SQLite lock on `<stateDir>/mirror.lock`, held for the whole run: the operating
 * system drops it when the process ends in any way (even kill -9), so a crash never leaves a stale
 * lock behind. The holder writes its pid and start time beside it, so a refusal names the other process.
 */
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { preparePrivateDatabase, writePrivateFile } from '../config/files.js';
import { ConfigError } from '../core/errors.js';

export class StateLock {
  private constructor(private readonly db: Database.Database) {}

  /** Takes the profile's lock, or throws a ConfigError naming the running mirror. */
  static acquire(stateDir: string, now: number): StateLock {
    const file = join(stateDir, 'mirror.lock');
    const owner = join(stateDir, 'mirror.owner');
    let db: Database.Database | undefined;
    try {
      preparePrivateDatabase(file);
      db = new Database(file);
      db.pragma('busy_timeout = 0');
      db.pragma('locking_mode = EXCLUSIVE');
      // Writing is what takes SQLite's exclusive lock; in EXCLUSIVE locking mode it is then kept.
      db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER)');
      db.exec('BEGIN EXCLUSIVE');
    } catch (error) {
      db?.close();
      if ((error as { code?: string }).code === 'SQLITE_BUSY') {
        throw new ConfigError(`another betmirror mirror is running on this profile (${describeHolder(owner)}; state in ${stateDir})`, {
          hint: 'stop it first (Ctrl-C in its terminal); two mirrors on one profile would copy every trade twice',
        });
      }
      throw new ConfigError(`cannot lock the mirror state ${file}: ${(error as Error).message}`, {
        hint: 'check that the directory is writable by you, or set BETMIRROR_CONFIG_DIR to another directory',
        cause: error,
      });
    }
    writePrivateFile(owner, JSON.stringify({ pid: process.pid, startedAt: new Date(now).toISOString() }));
    return new StateLock(db);
  }

  /** Gives the lock up (a clean stop; the operating system does it for a crash). */
  release(): void {
    if (this.db.open) this.db.close();
  }
}

function describeHolder(ownerFile: string): string {
  try {
    const holder = JSON.parse(readFileSync(ownerFile, 'utf8')) as { pid?: number; startedAt?: string };
    return `pid ${holder.pid ?? '?'}, started ${holder.startedAt ?? 'at an unknown time'}`;
  } catch {
    return 'process unknown';
  }
}
