import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Credential, openCredential } from "../connections/credential";
import { commitRefresh, findConnectionById, saveConnection } from "../connections/repository";
import { saveRegistration } from "../mcp/registrations-repository";
import { attio } from "../providers/attio";
import { dataKeysRepository } from "../store/data-keys-repository";
import { createPostgresStore } from "../store/postgres-store";
import type { Database } from "../store/store";
import { startTestFlow } from "../testing/flows";
import { sealAsXv1 } from "../testing/legacy-vault";
import { createScratchDatabase } from "../testing/postgres";
import { createVault, envKeyProvider, parseKeyring, VaultOpenError } from "../vault";
import { memoryDataKeys } from "../vault/memory-data-keys";
import { rotateDataKeysCommand } from "./rotate-data-keys";
import { checkCommand, rotateCommand, statusCommand } from "./vault-commands";

const v1 = `v1:${randomBytes(32).toString("base64")}`;
const v2 = `v2:${randomBytes(32).toString("base64")}`;
const TENANTS = 12;
// Servers in these tests look for a new data key every 100 ms, so the command waits 300 ms.
const SETTLE_MS = 300;
const keysOf = (keyring: string) => envKeyProvider(parseKeyring(keyring));

let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let main: ReturnType<typeof createPostgresStore>;
let db: Database;
const store = () => createPostgresStore({ url: scratch.url, max: 2 });
const serverVault = (s: ReturnType<typeof store>, keyring: string) =>
  createVault({
    keys: keysOf(keyring),
    dataKeys: dataKeysRepository(() => s.open()),
    cacheSize: 1,
    sealingKeyMaxAgeMs: 100,
  });
const token = (credential: Credential) =>
  credential.type === "oauth2" ? credential.accessToken : credential.secret;
const tokenOf = (tenantId: string) => `token-${tenantId.slice("tenant-".length)}`;
/** The tenant's first token or one the writer refreshed it to: never another tenant's. */
const isTokenOf = (value: unknown, tenantId: string) =>
  value === tokenOf(tenantId) ||
  (typeof value === "string" && value.startsWith(`${tokenOf(tenantId)}-`));
const rows = () => main.sql<{ id: string; tenant_id: string; sealed: string }[]>`
  select id, tenant_id, sealed from x_connections order by id`;
const run = async (options: { keyring?: string; batchSize?: number; stopAt?: RegExp } = {}) => {
  const lines: string[] = [];
  const code = await rotateDataKeysCommand({
    store: main,
    keys: keysOf(options.keyring ?? v1),
    settleMs: SETTLE_MS,
    batchSize: options.batchSize,
    out: (line) => {
      lines.push(line);
      if (options.stopAt?.test(line)) throw new Error("interrupted");
    },
  });
  return { code, output: lines.join("\n") };
};
const resealedIn = (output: string) => Number(/Done: (\d+) values re-sealed/.exec(output)?.[1]);
/** Alice's xv1 credentials as the previous version stored them, by row id. */
const legacy = new Map<string, string>();
let backup: { tenant_id: string; version: number; kek_version: string; wrapped: string }[];

beforeAll(async () => {
  scratch = await createScratchDatabase();
  main = store();
  db = await main.open();
  const vault = serverVault(main, v1);
  const deps = { keys: keysOf(v1), dataKeys: dataKeysRepository(() => main.open()) };
  for (let n = 0; n < TENANTS; n++) {
    const { row } = await saveConnection(db, vault, {
      tenantId: `tenant-${n}`,
      provider: "attio",
      visibility: "user",
      userId: `alice-${n}`,
      credential: { type: "oauth2", accessToken: `token-${n}`, tokenType: "bearer" },
      scopes: [],
      name: null,
      handle: null,
      accountId: null,
      expiresAt: null,
      nextRefreshAt: null,
      nextCheckAt: null,
    });
    if (n % 2 === 1) continue;
    const plaintext = JSON.stringify({
      type: "oauth2",
      accessToken: `token-${n}`,
      tokenType: "bearer",
    });
    const sealed = await sealAsXv1(
      deps,
      { tenantId: row.tenantId, recordId: row.id, purpose: "credential" },
      plaintext,
    );
    await main.sql`update x_connections set sealed = ${sealed}, sealed_epoch = '' where id = ${row.id}`;
    legacy.set(row.id, sealed);
  }
  await startTestFlow(db, vault, attio({ clientId: "client", clientSecret: "secret" }), {
    tenantId: "tenant-0",
    userId: "alice-0",
    role: "admin",
  });
  await saveRegistration(
    db,
    vault,
    { issuer: "https://as.example", redirectUri: "http://localhost:3050/api/connections/callback" },
    {
      method: "dynamic",
      clientId: "c",
      clientSecret: "registered-secret",
      clientAuth: "client_secret_post",
    },
  );
  backup = await main.sql`select tenant_id, version, kek_version, wrapped from x_data_keys`;
}, 60_000);

afterAll(async () => {
  await main?.close();
  await scratch?.drop();
});

describe("x-vault rotate-data-keys", () => {
  it("before it runs, an xv1 value moved to another owner still opens (the legacy limit), and status says what is left", async () => {
    const [id, sealed] = [...legacy][0]!;
    const row = (await findConnectionById(db, id))!;
    const moved = { ...row, sealed, sealedEpoch: "", ownerKey: "mallory" };
    expect(token(await openCredential(serverVault(main, v1), moved))).toMatch(/^token-/);
    const status: string[] = [];
    expect(
      await statusCommand({ store: main, keys: keysOf(v1), out: (line) => status.push(line) }),
    ).toBe(1);
    expect(status).toContain(
      `${legacy.size} values are not under their tenant's newest data key (xv1 values included): run x-vault rotate-data-keys.`,
    );
  });

  it("re-seals every value under a new data key while 4 readers and a refreshing writer keep going, losing nothing, then retires the old keys", async () => {
    const ids = (await rows()).map((row) => row.id);
    const latest = new Map<string, string>();
    const failures: unknown[] = [];
    let rotating = true;
    let reads = 0;
    let writes = 0;
    const pick = () => ids[Math.floor(Math.random() * ids.length)]!;
    const reader = async () => {
      const own = store();
      const vault = serverVault(own, v1);
      const readerDb = await own.open();
      while (rotating) {
        const row = (await findConnectionById(readerDb, pick()))!;
        const opened = await openCredential(vault, row).then(token, (error: unknown) => error);
        if (!isTokenOf(opened, row.tenantId)) failures.push(opened);
        reads += 1;
      }
      await own.close();
    };
    const writer = async () => {
      const own = store();
      const vault = serverVault(own, v1);
      const writerDb = await own.open();
      while (rotating) {
        const row = (await findConnectionById(writerDb, pick()))!;
        const next = `${tokenOf(row.tenantId)}-${writes}`;
        const credential: Credential = { type: "oauth2", accessToken: next, tokenType: "bearer" };
        if (await commitRefresh(writerDb, vault, row, credential, null, "writer")) {
          latest.set(row.id, next);
          writes += 1;
        }
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
      await own.close();
    };
    const running = [reader(), reader(), reader(), reader(), writer()];
    const { code, output } = await run();
    rotating = false;
    await Promise.all(running);

    expect(code).toBe(0);
    expect(failures).toEqual([]);
    expect(reads).toBeGreaterThan(0);
    expect(writes).toBeGreaterThan(0);
    expect(output).toMatch(new RegExp(`${TENANTS + 1} tenants, ${TENANTS + 1} new data keys`));
    expect(output).toMatch(/connections: \d+\/\d+ re-sealed/);
    expect(output).toContain("pending flows: 1/1 re-sealed");
    expect(output).toContain("MCP client registrations: 1/1 re-sealed");
    expect(output).toContain(`${TENANTS + 1} old data keys retired.`);

    const vault = createVault({
      keys: keysOf(v1),
      dataKeys: dataKeysRepository(() => main.open()),
    });
    for (const id of ids) {
      const row = (await findConnectionById(db, id))!;
      expect(row.sealed).toMatch(/^xv2\.2\./);
      expect(token(await openCredential(vault, row))).toBe(latest.get(id) ?? tokenOf(row.tenantId));
    }
    const [flow] = await main.sql<
      { sealed_secrets: string }[]
    >`select sealed_secrets from x_oauth_flows`;
    expect(flow!.sealed_secrets).toMatch(/^xv2\.2\./);
    expect(await main.sql`select distinct version from x_data_keys`).toEqual([{ version: 2 }]);
    const checked: string[] = [];
    expect(
      await checkCommand({ store: main, keys: keysOf(v1), out: (line) => checked.push(line) }),
    ).toBe(0);
    const status: string[] = [];
    expect(
      await statusCommand({ store: main, keys: keysOf(v1), out: (line) => status.push(line) }),
    ).toBe(0);
    expect(status.join("\n")).not.toContain("rotate-data-keys");
  }, 60_000);

  it("afterwards refuses an xv1 value from before it, put back into another owner's row", async () => {
    const [id, sealed] = [...legacy][0]!;
    const row = (await findConnectionById(db, id))!;
    const moved = { ...row, sealed, sealedEpoch: "", ownerKey: "mallory" };
    await expect(openCredential(serverVault(main, v1), moved)).rejects.toThrow(
      "the tenant has no data key version 1",
    );
  });

  it("leaves a backup taken before the rotation, with the retired key-encryption key, opening nothing sealed since", async () => {
    expect(await rotateCommand({ store: main, keys: keysOf(`${v2},${v1}`), out: () => {} })).toBe(
      0,
    );
    expect((await run({ keyring: `${v2},${v1}` })).code).toBe(0);
    const after = serverVault(main, v2);
    const { row } = await saveConnection(db, after, {
      tenantId: "tenant-0",
      provider: "attio",
      visibility: "user",
      userId: "alice-0",
      credential: { type: "oauth2", accessToken: "sealed-after-the-rotation", tokenType: "bearer" },
      scopes: [],
      name: null,
      handle: null,
      accountId: null,
      expiresAt: null,
      nextRefreshAt: null,
      nextCheckAt: null,
    });
    expect(token(await openCredential(after, row))).toBe("sealed-after-the-rotation");

    // The attacker's copy: every backed-up data key, under every version label they care to try.
    const stolen = memoryDataKeys();
    for (const key of backup) {
      for (const version of [1, 2, 3]) {
        await stolen.insertIfAbsent({
          tenantId: key.tenant_id,
          version,
          kekVersion: key.kek_version,
          wrapped: Buffer.from(key.wrapped, "base64"),
        });
      }
    }
    const attacker = createVault({ keys: keysOf(v1), dataKeys: stolen });
    await expect(openCredential(attacker, row)).rejects.toThrow(VaultOpenError);
  });

  it("is continued by the next run after an interruption, and two runs at once re-seal each value once", async () => {
    const [before] = await main.sql<
      { newest: number }[]
    >`select max(version) as newest from x_data_keys`;
    const keyring = `${v2},${v1}`; // since the test above
    const interrupted = await run({ keyring, batchSize: 4, stopAt: /connections: 4\// }).catch(
      (error: Error) => error,
    );
    expect(interrupted).toEqual(new Error("interrupted"));
    const newest = before!.newest + 1;
    const stale = (await rows()).filter((row) => !row.sealed.startsWith(`xv2.${newest}.`));
    expect(stale).toHaveLength(TENANTS - 4);

    const [first, second] = await Promise.all([
      run({ keyring, batchSize: 3 }),
      run({ keyring, batchSize: 3 }),
    ]);
    expect([first.code, second.code]).toEqual([0, 0]);
    // Flows and registrations were not reached by the interrupted run.
    expect(resealedIn(first.output) + resealedIn(second.output)).toBe(stale.length + 2);
    expect(first.output + second.output).toContain(" 0 new data keys");
    for (const row of await rows()) expect(row.sealed).toMatch(new RegExp(`^xv2\\.${newest}\\.`));
    expect(await main.sql`select distinct version from x_data_keys`).toEqual([{ version: newest }]);
  }, 60_000);
});
