/**
 * Private files: everything betmirror writes is 0600 in 0700 directories, whatever the umask. Modes
 * are set with an explicit chmod after creation because a `mode` given to mkdir/open is filtered by
 * the umask (a umask of 077 would still be safe, but 0 or 777 are not the mode we asked for).
 */
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Creates `dir` and its missing parents 0700. `dir` itself is tightened even when it already exists:
 * it is betmirror's own directory (config dir, secrets/, state/<profile>/), possibly made by an older
 * version under a loose umask. Parents that already existed are not ours to change.
 */
export function makePrivateDir(dir: string): void {
  const missing: string[] = [];
  for (let level = resolve(dir); !existsSync(level); level = dirname(level)) missing.unshift(level);
  for (const level of missing) {
    try {
      mkdirSync(level, { mode: PRIVATE_DIR_MODE });
    } catch (error) {
      // Another process made it between our look and our mkdir: tightened all the same just below.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    chmodSync(level, PRIVATE_DIR_MODE);
  }
  chmodSync(dir, PRIVATE_DIR_MODE);
}

/**
 * Replaces `path` with `data`, 0600, in a 0700 directory. Written to a temporary file, flushed, then
 * renamed, so a crash leaves either the old file or the new one, never half of one.
 */
export function writePrivateFile(path: string, data: string): void {
  makePrivateDir(dirname(path));
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fd = openSync(temp, 'wx', PRIVATE_FILE_MODE);
    try {
      writeSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(temp, PRIVATE_FILE_MODE);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * Makes a SQLite database file 0600 before SQLite opens it (creating it empty if missing: SQLite takes
 * an empty file as a new database). SQLite creates its -wal and -shm files with the mode of the
 * database file, so they come out 0600 too; ones left by an older version are tightened here.
 */
export function preparePrivateDatabase(path: string): void {
  makePrivateDir(dirname(path));
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    if (existsSync(file)) chmodSync(file, PRIVATE_FILE_MODE);
  }
}
