import { afterAll, beforeAll, expect, it } from "vitest";
import { type Fleet, keyOf, startFleet, type User, userAt } from "./support/fleet";
import { inPool, scale } from "./support/scale";

const TENANTS = 4;
const users: User[] = Array.from({ length: scale.full ? 400 : 40 }, (_, index) =>
  userAt(index, TENANTS),
);
let fleet: Fleet;
/** Each user's token hash as every instance serves it before a fault. */
const before = new Map<string, string>();

beforeAll(async () => {
  fleet = await startFleet(4);
  await inPool(users.length, 8, (index) =>
    fleet.connect(fleet.instances[index % fleet.instances.length]!, users[index]!),
  );
  await snapshot();
});

afterAll(async () => {
  if (fleet) fleet.sandbox.knobs.latencyMs = 0;
  await fleet?.close();
});

async function snapshot() {
  before.clear();
  await inPool(users.length, 8, async (index) => {
    const read = await fleet.read(fleet.instances[index % fleet.instances.length]!, users[index]!);
    if (!("tokenHash" in read)) throw new Error(`${keyOf(users[index]!)}: ${read.status}`);
    before.set(keyOf(users[index]!), read.tokenHash);
  });
}

/**
 * Reads every user but `spared` on all instances, over and over, while `fault` runs; returns
 * what went wrong. A fault in one connection must be invisible to everybody else.
 */
async function underLoad<T>(spared: User[], fault: () => Promise<T>) {
  const others = users.filter((user) => !spared.some((one) => keyOf(one) === keyOf(user)));
  const wrong: string[] = [];
  let done = false;
  let reads = 0;
  const load = inPool(scale.parallelism, scale.parallelism, async (worker) => {
    for (let index = worker; !done; index += scale.parallelism) {
      const user = others[index % others.length]!;
      const read = await fleet.read(fleet.instances[index % fleet.instances.length]!, user);
      reads += 1;
      if (!("tokenHash" in read)) wrong.push(`${keyOf(user)}: ${read.status} ${read.body}`);
      else if (read.tokenHash !== before.get(keyOf(user))) wrong.push(`${keyOf(user)}: new token`);
    }
  });
  try {
    return { result: await fault(), wrong, reads: () => reads };
  } finally {
    done = true;
    await load;
  }
}

const expire = (spared: User[], interval = "- interval '1 minute'") =>
  fleet.sql(
    `update x_connections set expires_at = now() ${interval}, revision = revision + 1
     where ${spared.map((user) => `(tenant_id = '${user.tenantId}' and owner_key = '${user.userId}')`).join(" or ")}`,
  );

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Reads until the read that meets the refresh: the SQL change reaches each instance's cache
 * through NOTIFY, asynchronously, so a read just after it may still be a (correct) cache hit.
 */
async function readThroughRefresh(instance: Fleet["instances"][number], user: User) {
  const requestsBefore = fleet.sandbox.stats.tokenRequests;
  for (let attempt = 0; attempt < 50; attempt++) {
    const read = await fleet.read(instance, user);
    if (fleet.sandbox.stats.tokenRequests > requestsBefore) return read;
    if (!("tokenHash" in read) || read.tokenHash !== before.get(keyOf(user))) return read;
    await sleep(100);
  }
  throw new Error(`${keyOf(user)}: no read refreshed`);
}

it("a slow provider (1.5 s per token request): due connections refresh once each, everybody else is served as before", async () => {
  const due = users.slice(0, 5);
  await expire(due);
  // Let NOTIFY empty the instances' caches, so every read below meets the expired row.
  await sleep(1_000);
  const refreshesBefore = fleet.sandbox.stats.refreshGrants;
  fleet.sandbox.knobs.latencyMs = 1_500;
  const { result, wrong, reads } = await underLoad(due, () =>
    Promise.all(
      due.flatMap((user) => fleet.instances.map((instance) => fleet.read(instance, user))),
    ),
  );
  fleet.sandbox.knobs.latencyMs = 0;

  expect(wrong).toEqual([]);
  expect(reads()).toBeGreaterThan(0);
  // Four instances asked for each due connection at once; the lease let one of them refresh.
  expect(fleet.sandbox.stats.refreshGrants - refreshesBefore).toBe(due.length);
  due.forEach((user, index) => {
    const hashes = new Set(
      result
        .slice(index * 4, index * 4 + 4)
        .map((read) => ("tokenHash" in read ? read.tokenHash : read.status)),
    );
    expect([...hashes]).toHaveLength(1);
    expect([...hashes][0]).not.toBe(before.get(keyOf(user)));
  });
  await snapshot();
});

it("a provider 500 on refresh: the connection stays active, keeps its still-valid token and refreshes on a later read; nobody else notices", async () => {
  const [user] = users.slice(5, 6) as [User];
  // Inside the refresh window (5 minutes before expiry) but not expired yet.
  await expire([user], "+ interval '2 minutes'");
  fleet.sandbox.knobs.failNextToken = { status: 500, body: { error: "server_error" } };
  const requestsBefore = fleet.sandbox.stats.refreshGrants;
  const { result, wrong } = await underLoad([user], () =>
    readThroughRefresh(fleet.instances[1]!, user),
  );

  expect(wrong).toEqual([]);
  expect(fleet.sandbox.stats.refreshGrants - requestsBefore).toBe(1);
  expect(fleet.sandbox.knobs.failNextToken).toBeNull();
  expect(result).toEqual({ status: 200, tokenHash: before.get(keyOf(user)) });
  expect(
    await fleet.sql(
      `select status || ',' || refresh_failures || ',' || (next_refresh_at > now()) from x_connections
       where tenant_id = '${user.tenantId}' and owner_key = '${user.userId}'`,
    ),
  ).toBe("active,1,true");

  // Once the old token has been served for the stale window, the next read refreshes for real.
  let recovered = result;
  for (let attempt = 0; attempt < 20 && recovered === result; attempt++) {
    await sleep(500);
    const read = await fleet.read(fleet.instances[1]!, user);
    if ("tokenHash" in read && read.tokenHash !== before.get(keyOf(user))) recovered = read;
  }
  expect(recovered).toMatchObject({ status: 200 });
  expect(recovered).not.toEqual(result);
  expect(
    await fleet.sql(
      `select status || ',' || refresh_failures from x_connections
       where tenant_id = '${user.tenantId}' and owner_key = '${user.userId}'`,
    ),
  ).toBe("active,0");
  await snapshot();
});

it("invalid_grant for one connection: that connection is auth_failed and answers reauth_required, all others are fine", async () => {
  const [user] = users.slice(6, 7) as [User];
  await expire([user]);
  fleet.sandbox.knobs.failNextToken = {
    status: 400,
    body: { error: "invalid_grant", error_description: "refresh token revoked" },
  };
  const { result, wrong } = await underLoad([user], () =>
    readThroughRefresh(fleet.instances[2]!, user),
  );

  expect(wrong).toEqual([]);
  expect(result).toMatchObject({ status: 409, code: "reauth_required" });
  for (const instance of fleet.instances) {
    expect(await fleet.read(instance, user)).toMatchObject({
      status: 409,
      code: "reauth_required",
    });
  }
  expect(
    await fleet.sql(
      "select owner_key from x_connections where status <> 'active' order by owner_key",
    ),
  ).toBe(user.userId);
  expect(await fleet.sql("select count(*) from x_connections")).toBe(String(users.length));
});

it("no token in any instance's output or in any response body the faults produced", () => {
  const { found, bodiesChecked } = fleet.leaks();
  expect(found).toEqual([]);
  expect(bodiesChecked).toBeGreaterThan(users.length);
});
