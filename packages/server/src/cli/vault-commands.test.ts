import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openCredential } from "../connections/credential";
import { saveConnection } from "../connections/repository";
import { dataKeysRepository } from "../store/data-keys-repository";
import { createPostgresStore } from "../store/postgres-store";
import { connections } from "../store/schema";
import { createScratchDatabase } from "../testing/postgres";
import { createVault, envKeyProvider, parseKeyring } from "../vault";
import { checkCommand, rotateCommand, statusCommand } from "./vault-commands";

const v1 = `v1:${randomBytes(32).toString("base64")}`;
const v2 = `v2:${randomBytes(32).toString("base64")}`;
const TENANTS = 30;

let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
const store = () => createPostgresStore({ url: scratch.url, max: 4 });
let main: ReturnType<typeof createPostgresStore>;

beforeAll(async () => {
  scratch = await createScratchDatabase();
  main = store();
  const db = await main.open();
  const vault = createVault({
    keys: envKeyProvider(parseKeyring(v1)),
    dataKeys: dataKeysRepository(() => main.open()),
  });
  for (let n = 0; n < TENANTS; n++) {
    await saveConnection(db, vault, {
      tenantId: `tenant-${n}`,
      provider: "attio",
      visibility: "workspace",
      userId: "admin",
      credential: { type: "oauth2", accessToken: `token-${n}`, tokenType: "bearer" },
      scopes: [],
      name: null,
      handle: null,
      accountId: null,
      expiresAt: null,
      nextRefreshAt: null,
      nextCheckAt: null,
    });
  }
});

afterAll(async () => {
  await main?.close();
  await scratch?.drop();
});

it("rotates every data key to the new key while 4 readers keep reading, losing nothing", async () => {
  const lines: string[] = [];
  const keys = envKeyProvider(parseKeyring(`${v2},${v1}`));
  let rotating = true;
  let reads = 0;
  const reader = async () => {
    const readerStore = store();
    const db = await readerStore.open();
    // A one-entry cache makes every read unwrap its tenant's data key from the row as it is now.
    const vault = createVault({
      keys,
      dataKeys: dataKeysRepository(() => readerStore.open()),
      cacheSize: 1,
    });
    const rows = await db.select().from(connections);
    while (rotating) {
      const row = rows[Math.floor(Math.random() * rows.length)]!;
      const credential = await openCredential(vault, row);
      expect(credential).toMatchObject({
        accessToken: `token-${row.tenantId.slice("tenant-".length)}`,
      });
      reads += 1;
    }
    await readerStore.close();
  };
  const readers = Array.from({ length: 4 }, reader);
  const code = await rotateCommand({ store: main, keys, out: (line) => lines.push(line) });
  rotating = false;
  await Promise.all(readers);

  expect(code).toBe(0);
  expect(reads).toBeGreaterThan(0);
  expect(lines.join("\n")).toContain(`Done: ${TENANTS} data keys re-wrapped.`);
  expect(lines.join("\n")).toContain(
    "No data key uses v1 any more: it may be removed from X_VAULT_KEYS.",
  );
  expect(await dataKeysRepository(() => main.open()).countByKekVersion()).toEqual({ v2: TENANTS });

  const onlyNewKey = envKeyProvider(parseKeyring(v2));
  const checked: string[] = [];
  expect(
    await checkCommand({ store: main, keys: onlyNewKey, out: (line) => checked.push(line) }),
  ).toBe(0);
  expect(checked.at(-1)).toBe(`All ${TENANTS} sealed credentials open.`);

  const again: string[] = [];
  expect(await rotateCommand({ store: main, keys, out: (line) => again.push(line) })).toBe(0);
  expect(again.join("\n")).toContain("Done: 0 data keys re-wrapped.");
});

it("check names every row that does not open, and status says what is left under an old key", async () => {
  const db = await main.open();
  const [victim] = await db.select().from(connections).limit(1);
  const [other] = await db.select().from(connections).limit(1).offset(1);
  // A ciphertext copied onto another row must not open there.
  await main.sql`update x_connections set sealed = ${victim!.sealed} where id = ${other!.id}`;
  const lines: string[] = [];
  const keys = envKeyProvider(parseKeyring(`${v2},${v1}`));
  expect(await checkCommand({ store: main, keys, out: (line) => lines.push(line) })).toBe(1);
  expect(lines.join("\n")).toContain(`1 of ${TENANTS} sealed credentials do not open:`);
  expect(lines.join("\n")).toContain(other!.id);
  await main.sql`update x_connections set sealed = ${other!.sealed} where id = ${other!.id}`;

  const status: string[] = [];
  expect(await statusCommand({ store: main, keys, out: (line) => status.push(line) })).toBe(0);
  expect(status).toContain(`  v2: ${TENANTS} data keys`);
});
