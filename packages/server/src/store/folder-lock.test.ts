import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lockFolder } from "./folder-lock";

const folder = () => mkdtempSync(join(tmpdir(), "x-lock-"));

describe("lockFolder (one process per PGlite folder)", () => {
  it("refuses a folder another running process holds, naming it", async () => {
    const dir = folder();
    const other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    try {
      writeFileSync(join(dir, "x-connections.lock"), String(other.pid));
      expect(() => lockFolder(dir)).toThrow(`open in process ${other.pid}`);
    } finally {
      other.kill();
    }
  });

  it("takes over a lock whose process is gone, and releases its own", () => {
    const dir = folder();
    writeFileSync(join(dir, "x-connections.lock"), "999999999");
    const release = lockFolder(dir);
    release();
    lockFolder(dir)();
  });
});
