import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type Credential, openCredential } from "../connections/credential";
import {
  commitRefresh,
  findConnectionById,
  type SaveConnectionInput,
  saveConnection,
} from "../connections/repository";
import { dataKeysRepository } from "../store/data-keys-repository";
import type { ConnectionRow } from "../store/schema";
import { pgliteForFile } from "../testing/pglite";
import { createVault, envKeyProvider, parseKeyring } from "../vault";
import { createDataKey } from "../vault/data-keys";
import { sealedTables } from "./reseal";
import { rotateDataKeysCommand } from "./rotate-data-keys";

const fixture = pgliteForFile(["x_connections", "x_data_keys"]);
const keys = envKeyProvider(parseKeyring(`v1:${randomBytes(32).toString("base64")}`));
const dataKeys = dataKeysRepository(() => fixture.store.open());
const vault = () => createVault({ keys, dataKeys });
const secretOf = (credential: Credential) =>
  credential.type === "secret" ? credential.secret : credential.accessToken;

const connection = (userId: string): SaveConnectionInput => ({
  tenantId: "acme",
  provider: "attio",
  visibility: "user",
  userId,
  credential: { type: "secret", secret: `${userId}-key` },
  scopes: [],
  name: null,
  handle: null,
  accountId: null,
  expiresAt: null,
  nextRefreshAt: null,
  nextCheckAt: null,
});

describe("re-sealing", () => {
  it("leaves a refresh committed between a re-seal's read and its write as the refresh wrote it", async () => {
    const db = await fixture.store.open();
    await saveConnection(db, vault(), connection("alice"));
    await createDataKey(keys, dataKeys, "acme", 2);
    const [connectionsTable] = sealedTables(db, vault());
    const [stale] = (await connectionsTable!.stale("", 10)) as ConnectionRow[];

    const refreshed: Credential = { type: "oauth2", accessToken: "raced", tokenType: "bearer" };
    expect(await commitRefresh(db, vault(), stale!, refreshed, null, "server")).toBeDefined();
    expect(await connectionsTable!.reseal(stale!)).toBe(false);
    const row = (await findConnectionById(db, stale!.id))!;
    expect(secretOf(await openCredential(vault(), row))).toBe("raced");
  });

  it("on PGlite needs no wait (no other process can have the database open) and leaves every value under the new key", async () => {
    const db = await fixture.store.open();
    for (const userId of ["alice", "bob"]) await saveConnection(db, vault(), connection(userId));
    const lines: string[] = [];
    const started = Date.now();
    const code = await rotateDataKeysCommand({
      store: fixture.store,
      keys,
      out: (line) => lines.push(line),
    });
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(lines.join("\n")).not.toContain("Waiting");
    expect(lines).toContain("  connections: 2/2 re-sealed");
    const rows = await fixture.client.query<{ sealed: string }>("select sealed from x_connections");
    for (const row of rows.rows) expect(row.sealed).toMatch(/^xv2\.2\./);
  });
});
