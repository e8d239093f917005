import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { TEST_KEYS } from "../testing/harness";

// The command as an operator runs it: its own process, its own arguments, its exit code.
const run = async (args: string[], env: Record<string, string> = {}) => {
  const cli = join(import.meta.dirname, "x-vault.ts");
  const { X_VAULT_KEYS: _, ...inherited } = process.env;
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", cli, ...args],
      { env: { ...inherited, ...env } },
    );
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
};

describe("x-vault", { timeout: 60_000 }, () => {
  it("tells its version", async () => {
    const { code, output } = await run(["--version"]);
    expect(code).toBe(0);
    expect(output).toMatch(/^x-vault \d+\.\d+\.\d+/);
  });

  it("points to the development keyring when X_VAULT_KEYS is empty", async () => {
    const { code, output } = await run(["status", "--pglite", ".data/connections"]);
    expect(code).toBe(2);
    expect(output).toContain("X_VAULT_KEYS is empty");
    expect(output).toContain("--data-dir .data");
  });

  it("says what a rotation would change, and changes nothing, with --dry-run", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "x-vault-")), "connections");
    const args = ["rotate-data-keys", "--pglite", dir, "--dry-run"];
    const { code, output } = await run(args, { X_VAULT_KEYS: TEST_KEYS });
    expect(code).toBe(0);
    expect(output).toContain("Dry run:");
    expect(output).toContain("Nothing was changed.");
    expect((await run(["status", "--pglite", dir], { X_VAULT_KEYS: TEST_KEYS })).code).toBe(0);
  });
});
