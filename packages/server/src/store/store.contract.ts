import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { consumeFlow, insertFlow } from "../connect/flows-repository";
import { openCredential } from "../connections/credential";
import { acquireLease, readLease, renewLease } from "../connections/lease";
import {
  claimDueConnections,
  commitRefresh,
  findConnectionById,
  listVisibleConnections,
  recordRefreshFailure,
  type SaveConnectionInput,
  saveConnection,
} from "../connections/repository";
import { TEST_KEYS } from "../testing/harness";
import { createVault, envKeyProvider, parseKeyring } from "../vault";
import { describeDataKeyRepository } from "../vault/data-key-repository.contract";
import { dataKeysRepository } from "./data-keys-repository";
import { migrationsFolder } from "./migrations-folder";
import type { DatabaseStore } from "./store";

const tokens = (n: number) => ({
  type: "oauth2" as const,
  accessToken: `sbx_at_contract_${n}`,
  refreshToken: `sbx_rt_contract_${n}`,
  tokenType: "bearer",
});

const input = (overrides: Partial<SaveConnectionInput> = {}): SaveConnectionInput => ({
  tenantId: "acme",
  provider: "attio",
  visibility: "user",
  userId: "alice",
  credential: tokens(1),
  scopes: ["task:read"],
  name: "Acme",
  handle: "acme",
  accountId: "ws_1",
  expiresAt: null,
  nextRefreshAt: null,
  nextCheckAt: null,
  ...overrides,
});

/**
 * What every store must do, run against PGlite and real PostgreSQL alike. `open` gives a store on
 * an empty database; `reset` empties it between tests.
 */
export function describeStore(
  name: string,
  setup: { store: () => DatabaseStore; reset: () => Promise<void> },
) {
  const db = () => setup.store().open();
  const vault = () =>
    createVault({
      keys: envKeyProvider(parseKeyring(TEST_KEYS)),
      dataKeys: dataKeysRepository(db),
    });

  describe(`store contract: ${name}`, () => {
    it("creates a connection, and a reconnect updates the same row", async () => {
      await setup.reset();
      const database = await db();
      const first = await saveConnection(database, vault(), input());
      const second = await saveConnection(
        database,
        vault(),
        input({ credential: tokens(2), name: "Renamed" }),
      );
      expect(first.created).toBe(true);
      expect(second.created).toBe(false);
      expect(second.row.id).toBe(first.row.id);
      expect(second.row.revision).toBe(first.row.revision + 1);
      // Each write of the sealed value comes with a new epoch, bound into it.
      expect(first.row.sealedEpoch).toMatch(/^[\w-]{16}$/);
      expect(second.row.sealedEpoch).not.toBe(first.row.sealedEpoch);
      expect(second.row.sealed).toMatch(/^xv2\.1\./);
      expect(await openCredential(vault(), second.row)).toMatchObject(tokens(2));
      expect(await listVisibleConnections(database, { tenantId: "acme" })).toHaveLength(1);
    });

    it("many concurrent connects of one user to one provider leave exactly one row that opens", async () => {
      await setup.reset();
      const database = await db();
      const sealer = vault();
      await Promise.all(
        Array.from({ length: 8 }, (_, n) =>
          saveConnection(database, sealer, input({ credential: tokens(n) })),
        ),
      );
      const rows = await listVisibleConnections(database, { tenantId: "acme" });
      expect(rows).toHaveLength(1);
      const opened = await openCredential(sealer, rows[0]!);
      expect(opened.type === "oauth2" && opened.accessToken).toMatch(/^sbx_at_contract_\d$/);
    });

    it("shows users their own connections and the tenant's workspace ones, nobody else's", async () => {
      await setup.reset();
      const database = await db();
      const sealer = vault();
      await saveConnection(database, sealer, input());
      await saveConnection(database, sealer, input({ userId: "bob" }));
      await saveConnection(database, sealer, input({ visibility: "workspace", userId: "admin" }));
      await saveConnection(database, sealer, input({ tenantId: "globex", userId: "alice" }));
      const seen = await listVisibleConnections(database, { tenantId: "acme", userId: "alice" });
      expect(seen.map((row) => [row.visibility, row.userId]).sort()).toEqual([
        ["user", "alice"],
        ["workspace", "admin"],
      ]);
    });

    it("a refresh stored against a stale revision is refused (compare-and-set)", async () => {
      await setup.reset();
      const database = await db();
      const sealer = vault();
      const { row } = await saveConnection(database, sealer, input());
      const won = await commitRefresh(database, sealer, row, tokens(2), null, "a");
      const lost = await commitRefresh(database, sealer, row, tokens(3), null, "b");
      expect(won?.revision).toBe(row.revision + 1);
      expect(won?.sealedEpoch).not.toBe(row.sealedEpoch);
      expect(lost).toBeUndefined();
      const stored = await findConnectionById(database, row.id);
      const opened = await openCredential(sealer, stored!);
      expect(opened.type === "oauth2" && opened.accessToken).toBe("sbx_at_contract_2");
    });

    it("one racer gets the refresh lease; only its owner releases it; an expired one is taken over", async () => {
      await setup.reset();
      const database = await db();
      const { row } = await saveConnection(database, vault(), input());
      const racers = await Promise.all(
        ["a", "b", "c", "d"].map((owner) => acquireLease(database, row, owner, 60_000)),
      );
      const winner = racers.find(Boolean)!;
      expect(racers.filter(Boolean)).toHaveLength(1);
      const loser = ["a", "b", "c", "d"].find((owner) => owner !== winner.leaseOwner)!;
      await recordRefreshFailure(database, row.id, loser, 1_000);
      expect((await findConnectionById(database, row.id))?.leaseOwner).toBe(winner.leaseOwner);
      await recordRefreshFailure(database, row.id, winner.leaseOwner!, 1_000);
      expect((await findConnectionById(database, row.id))?.leaseOwner).toBeNull();

      const short = await acquireLease(database, row, "crashed", 1);
      expect(short?.leaseOwner).toBe("crashed");
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect((await acquireLease(database, row, "survivor", 60_000))?.leaseOwner).toBe("survivor");
    });

    it("only the holder renews its lease; a holder whose lease lapsed and was taken over can neither renew it nor overwrite the newer commit", async () => {
      await setup.reset();
      const database = await db();
      const sealer = vault();
      const { row } = await saveConnection(database, sealer, input());
      const stalled = await acquireLease(database, row, "stalled", 1);
      expect(stalled?.leaseOwner).toBe("stalled");
      expect(await renewLease(database, row, "someone-else", 60_000)).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect((await readLease(database, row.id))?.leaseFree).toBe(true);

      const taker = await acquireLease(database, row, "taker", 60_000);
      expect(taker?.leaseOwner).toBe("taker");
      expect((await readLease(database, row.id))?.leaseFree).toBe(false);
      expect(await renewLease(database, row, "stalled", 60_000)).toBe(false);
      expect(await renewLease(database, row, "taker", 60_000)).toBe(true);
      const newer = await commitRefresh(database, sealer, taker!, tokens(2), null, "taker");
      expect(newer?.revision).toBe(row.revision + 1);
      expect(newer?.leaseOwner).toBeNull();
      // The renewal is bound to the revision it was taken at: a commit ends it.
      expect(await renewLease(database, row, "taker", 60_000)).toBe(false);

      expect(await commitRefresh(database, sealer, stalled!, tokens(3), null, "stalled")).toBe(
        undefined,
      );
      const stored = await findConnectionById(database, row.id);
      const opened = await openCredential(sealer, stored!);
      expect(opened.type === "oauth2" && opened.accessToken).toBe("sbx_at_contract_2");
    });

    it("workers claim due connections without overlap (FOR UPDATE SKIP LOCKED)", async () => {
      await setup.reset();
      const database = await db();
      const sealer = vault();
      const past = new Date(Date.now() - 1_000);
      for (const userId of ["u1", "u2", "u3", "u4", "u5", "u6"]) {
        await saveConnection(database, sealer, input({ userId, nextRefreshAt: past }));
      }
      await saveConnection(
        database,
        sealer,
        input({ userId: "later", nextRefreshAt: new Date(Date.now() + 3_600_000) }),
      );
      const claims = await Promise.all(
        [1, 2, 3].map(() => claimDueConnections(database, "refresh", 4, 60_000)),
      );
      const all = claims.flat().map((row) => row.id);
      expect(all).toHaveLength(6);
      expect(new Set(all).size).toBe(6);
      expect(await claimDueConnections(database, "refresh", 10, 60_000)).toEqual([]);
    });

    it("a state is consumed once, even by racing callbacks", async () => {
      await setup.reset();
      const database = await db();
      await insertFlow(database, {
        id: "00000000-0000-4000-8000-000000000001",
        stateHash: "hash-1",
        tenantId: "acme",
        userId: "alice",
        provider: "attio",
        visibility: "user",
        mode: "popup",
        messageNonce: "nonce",
        sealedSecrets: "xv1.sealed",
        expiresAt: new Date(Date.now() + 60_000),
      });
      const results = await Promise.all(
        Array.from({ length: 6 }, () =>
          consumeFlow(database, "hash-1", { tenantId: "acme", userId: "alice" }),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });
  });

  describeDataKeyRepository(name, async () => {
    await setup.reset();
    return dataKeysRepository(db);
  });
}

/** How many migrations the package ships: each must be applied exactly once. */
export function journalLength(): number {
  const journal = JSON.parse(
    readFileSync(join(migrationsFolder(), "meta", "_journal.json"), "utf8"),
  );
  return journal.entries.length;
}
