import { afterAll, beforeAll, expect, it } from "vitest";
import { type Fleet, keyOf, startFleet, type User, userAt } from "./support/fleet";
import { inPool, scale } from "./support/scale";

let fleet: Fleet;
const users: User[] = Array.from({ length: scale.connects }, (_, index) =>
  userAt(index, scale.tenants),
);
const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)]!;
const timings: Record<string, number> = {};

beforeAll(async () => {
  fleet = await startFleet(4);
});

afterAll(async () => {
  console.log(`reliability load (${scale.full ? "full" : "short"}):`, JSON.stringify(timings));
  await fleet?.close();
});

/** Marks a few random rows expired, as time would, until stopped: every read may meet a refresh. */
function startChurn() {
  let stopped = false;
  let ticks = 0;
  const loop = (async () => {
    while (!stopped) {
      // Only rows no instance is refreshing: a revision bump under a held lease would make the
      // holder's compare-and-set fail and drop the rotated tokens it was given. Time never does
      // that; this stand-in for time must not either. The lease test sits in the outer WHERE so
      // PostgreSQL re-checks it after waiting on a row lock.
      await fleet.sql(
        `update x_connections set expires_at = now() - interval '1 minute', revision = revision + 1
         where (lease_owner is null or lease_expires_at < now())
           and id in (select id from x_connections where status = 'active'
                      order by random() limit ${scale.churnBatch})`,
      );
      ticks += 1;
      await new Promise((resolve) => setTimeout(resolve, scale.churnEveryMs));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
    return ticks;
  };
}

/** Remembers which user each token hash was served for; a hash served for two users is a leak. */
function ownership() {
  const owners = new Map<string, string>();
  const crossed: string[] = [];
  return {
    crossed,
    record(user: User, tokenHash: string) {
      const owner = owners.get(tokenHash);
      if (owner === undefined) owners.set(tokenHash, keyOf(user));
      else if (owner !== keyOf(user))
        crossed.push(`${tokenHash} served to ${owner} and ${keyOf(user)}`);
    },
  };
}

it(
  `${scale.connects} connect flows for distinct users over ${scale.tenants} tenants on 4 instances: every one lands, one row per user`,
  async () => {
    const startedAt = Date.now();
    const errors: string[] = [];
    await inPool(users.length, scale.parallelism, async (index) => {
      const instance = fleet.instances[index % fleet.instances.length]!;
      await fleet.connect(instance, users[index]!).catch((error: Error) => {
        errors.push(`${keyOf(users[index]!)}: ${error.message}`);
      });
    });
    timings.connectMs = Date.now() - startedAt;

    expect(errors).toEqual([]);
    expect(await fleet.sql("select count(*) from x_connections")).toBe(String(users.length));
    expect(
      await fleet.sql("select count(distinct (tenant_id, owner_key)) from x_connections"),
    ).toBe(String(users.length));
    // Each row sits in the tenant its user was connected from, and is active.
    expect(
      await fleet.sql(
        `select count(*) from x_connections
         where status <> 'active' or visibility <> 'user' or user_id <> owner_key
            or tenant_id <> 'tenant-' || (substr(owner_key, 6)::int % ${scale.tenants})`,
      ),
    ).toBe("0");
  },
  scale.timeoutMs,
);

it(
  `${scale.reads} credential reads on random instances under refresh churn: no errors, each user's token is only ever theirs`,
  async () => {
    const startedAt = Date.now();
    const refreshesBefore = fleet.sandbox.stats.refreshGrants;
    const owners = ownership();
    const errors: string[] = [];
    const stopChurn = startChurn();
    await inPool(scale.reads, scale.parallelism, async () => {
      const user = pick(users);
      const read = await fleet.read(pick(fleet.instances), user);
      if (read.status === 200 && "tokenHash" in read) owners.record(user, read.tokenHash);
      else errors.push(`${keyOf(user)}: ${read.status} ${"body" in read ? read.body : ""}`);
    });
    const churnTicks = await stopChurn();
    timings.readsMs = Date.now() - startedAt;
    timings.refreshes = fleet.sandbox.stats.refreshGrants - refreshesBefore;
    timings.churnTicks = churnTicks;

    expect(errors).toEqual([]);
    expect(owners.crossed).toEqual([]);
    // The churn really made reads refresh; otherwise this test would prove nothing about refresh.
    expect(timings.refreshes).toBeGreaterThan(0);

    // Settled: every instance serves each user the same token, and no two users share one.
    const sweepStartedAt = Date.now();
    const byUser = new Map<string, Set<string>>();
    const sweepErrors: string[] = [];
    await inPool(users.length * fleet.instances.length, scale.parallelism, async (index) => {
      const user = users[index % users.length]!;
      const read = await fleet.read(fleet.instances[Math.floor(index / users.length)]!, user);
      if (read.status !== 200 || !("tokenHash" in read)) {
        sweepErrors.push(`${keyOf(user)}: ${read.status}`);
        return;
      }
      const hashes = byUser.get(keyOf(user)) ?? new Set<string>();
      hashes.add(read.tokenHash);
      byUser.set(keyOf(user), hashes);
    });
    timings.sweepMs = Date.now() - sweepStartedAt;
    expect(sweepErrors).toEqual([]);
    const inconsistent = [...byUser].filter(([, hashes]) => hashes.size !== 1);
    expect(inconsistent).toEqual([]);
    const distinct = new Set([...byUser.values()].flatMap((hashes) => [...hashes]));
    expect(distinct.size).toBe(users.length);
    expect(await fleet.sql("select count(*) from x_connections where status <> 'active'")).toBe(
      "0",
    );
  },
  scale.timeoutMs,
);

it(
  "tenant isolation under load: a reader never gets another tenant's or user's token, and a user with no connection gets 409 connection_required",
  async () => {
    const startedAt = Date.now();
    const owners = ownership();
    const wrong: string[] = [];
    const stopChurn = startChurn();
    const readsTotal = Math.ceil(scale.reads / 5);
    await inPool(readsTotal, scale.parallelism, async (index) => {
      const owner = pick(users);
      const otherTenant = `tenant-${(Number(owner.tenantId.slice(7)) + 1 + (index % (scale.tenants - 1))) % scale.tenants}`;
      // A third each: the owner; the same user id asked for in another tenant; a user nobody connected.
      const kind = index % 3;
      const user: User =
        kind === 0
          ? owner
          : kind === 1
            ? { tenantId: otherTenant, userId: owner.userId }
            : { tenantId: owner.tenantId, userId: `nobody-${index}` };
      const read = await fleet.read(pick(fleet.instances), user);
      if (kind === 0) {
        if (read.status === 200 && "tokenHash" in read) owners.record(user, read.tokenHash);
        else wrong.push(`owner ${keyOf(user)}: ${read.status}`);
      } else if (read.status !== 409 || !("code" in read) || read.code !== "connection_required") {
        wrong.push(`${keyOf(user)}: ${read.status} ${"body" in read ? read.body : "a token"}`);
      }
    });
    await stopChurn();
    timings.isolationMs = Date.now() - startedAt;
    timings.isolationReads = readsTotal;

    expect(wrong).toEqual([]);
    expect(owners.crossed).toEqual([]);
  },
  scale.timeoutMs,
);

it("no token in any instance's output or in any response body the run saw", () => {
  const { found, bodiesChecked, outputChars } = fleet.leaks();
  expect(found).toEqual([]);
  // The check looked at something: every flow and read above produced a body.
  expect(bodiesChecked).toBeGreaterThan(scale.reads);
  expect(outputChars).toBeGreaterThan(0);
});
