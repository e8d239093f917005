import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Sandbox, startSandbox } from "@x/sandbox";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createConnections } from "./create-connections";
import { secret } from "./providers/secret";
import { ConnectionsError } from "./shared/errors";
import {
  asUser,
  connectThroughSandbox,
  createHost,
  json,
  MOUNT,
  parseIdentity,
} from "./testing/harness";
import { pgliteForFile } from "./testing/pglite";
import { SANDBOX_TOKEN_MARKERS } from "./testing/token-encodings";
import { DEV_KEYRING_FILE, VaultKeyMissingError } from "./vault";

const fixture = pgliteForFile(["x_connections", "x_oauth_flows", "x_data_keys"]);
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox?.close());

describe("at start: the keyring must unwrap the stored data keys", () => {
  it("fails ready() when the development keyring was replaced, saying to restore it", async () => {
    vi.stubEnv("X_VAULT_KEYS", undefined);
    vi.spyOn(console, "warn").mockImplementation(() => {});
    // A data folder of its own, not the file's PGlite: the development keyring and store live in it.
    const dataDir = mkdtempSync(join(tmpdir(), "x-vault-start-"));
    const start = () =>
      createConnections({
        baseUrl: "http://localhost:3050",
        dataDir,
        providers: [secret({ name: "mail-sequencer" })],
        identify: (c) => parseIdentity(c.req.header("x-test-user")),
      });
    try {
      const first = start();
      const app = new Hono().route(MOUNT, first.routes);
      await first.ready();
      const saved = await app.request(
        `${MOUNT}/connections`,
        asUser("acme:alice", {
          method: "POST",
          body: JSON.stringify({ provider: "mail-sequencer", secret: "alice-key-0123456789" }),
        }),
      );
      expect(saved.status).toBe(201);
      await first.close();

      // Same label, another key: what deleting the file and starting again would generate.
      const keyringFile = join(dataDir, DEV_KEYRING_FILE);
      writeFileSync(keyringFile, `v1:${randomBytes(32).toString("base64")}\n`, { mode: 0o600 });
      const second = start();
      const failure = await second.ready().then(
        () => new Error("started"),
        (error: unknown) => error as Error,
      );
      expect(failure).toBeInstanceOf(VaultKeyMissingError);
      expect(failure.message).toContain(
        `the keyring's key-encryption key v1 does not unwrap the stored data keys: the development keyring ${keyringFile} is not the keyring this database was sealed with. Restore that keyring before starting`,
      );
      await second.close();
    } finally {
      vi.unstubAllEnvs();
      vi.restoreAllMocks();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it("names vault.keys when that is where the wrong keyring came from", async () => {
    const seeded = createHost({ store: fixture.store, sandboxUrl: sandbox.url });
    fixture.closers.push(() => seeded.connections.close());
    expect((await connectThroughSandbox(seeded.app, "acme:alice")).status).toBe(200);
    const wrong = createHost({
      store: fixture.store,
      sandboxUrl: sandbox.url,
      settings: { vault: { keys: `v1:${randomBytes(32).toString("base64")}` } },
    });
    await expect(wrong.connections.ready()).rejects.toThrow(
      "does not unwrap the stored data keys: vault.keys is not the keyring",
    );
  });
});

describe("at run time: a stored value that does not open", () => {
  it("is ConnectionsError vault_unavailable from every public method and a 500 vault_unavailable from the routes, never a bare 500 nor plaintext", async () => {
    const host = createHost({ store: fixture.store, sandboxUrl: sandbox.url });
    fixture.closers.push(() => host.connections.close());
    expect((await connectThroughSandbox(host.app, "acme:alice")).status).toBe(200);
    const alice = { provider: "attio", tenantId: "acme", userId: "alice" };
    const [connection] = await host.connections.listConnections({ tenantId: "acme" });
    // A database writer changed the row: its credential no longer opens.
    await fixture.client.query("update x_connections set sealed_epoch = 'changed'");
    const errors = vi.spyOn(console, "error");

    for (const call of [
      () => host.connections.getCredential(alice),
      () => host.connections.getUserConnection(alice),
      () => host.connections.fetch(alice, `${sandbox.url}/v2/tasks`),
    ]) {
      const error = await call().then(
        () => new Error("opened"),
        (caught: unknown) => caught as Error,
      );
      expect(error).toBeInstanceOf(ConnectionsError);
      expect((error as ConnectionsError).code).toBe("vault_unavailable");
      expect(error.message).toContain("x-vault check");
      for (const marker of SANDBOX_TOKEN_MARKERS) expect(error.message).not.toContain(marker);
    }

    const checked = await host.app.request(
      `${MOUNT}/connections/${connection!.id}/check`,
      asUser("acme:alice", { method: "POST", body: "{}" }),
    );
    expect(checked.status).toBe(500);
    const body = await json(checked);
    expect(body.error.code).toBe("vault_unavailable");
    for (const marker of SANDBOX_TOKEN_MARKERS) expect(JSON.stringify(body)).not.toContain(marker);
    expect(errors.mock.calls.flat().join("\n")).not.toContain("unexpected");
    errors.mockRestore();
  });
});
