import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { StoreError } from "./store";

const LOCK_FILE = "x-connections.lock";

/**
 * PGlite is one process's database: a second process opening the same folder (a server still
 * running while x-vault starts) corrupts it. The folder's lock names the process holding it; a
 * lock whose process is gone is taken over.
 */
export function lockFolder(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: "wx", mode: 0o600 });
      return () => release(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number(readFileSync(path, "utf8"));
      if (holder === process.pid) return () => {};
      if (isRunning(holder)) {
        throw new StoreError(
          `@x/server: the PGlite folder ${dir} is open in process ${holder}; PGlite allows one process at a time: stop that one first (a running server, for x-vault)`,
        );
      }
      unlinkSync(path);
    }
  }
  throw new StoreError(`@x/server: could not lock the PGlite folder ${dir}`);
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function release(path: string): void {
  try {
    if (Number(readFileSync(path, "utf8")) === process.pid) unlinkSync(path);
  } catch {
    // Already gone: nothing to release.
  }
}
