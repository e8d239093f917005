import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../db/open-database";
import { throttle as throttleTable } from "../db/schema";
import {
  ACCOUNT_POLICY,
  accountKey,
  addressKey,
  createThrottle,
  FORGET_AFTER_MS,
  lockSeconds,
} from "./throttle";

let database: Awaited<ReturnType<typeof openDatabase>>;
let clock = Date.parse("2030-01-01T00:00:00Z");
const now = () => new Date(clock);

beforeAll(async () => {
  database = await openDatabase(undefined);
});

afterAll(() => database.client.close());

const fail = async (throttle: ReturnType<typeof createThrottle>, key = accountKey("ada")) => {
  await throttle.recordFailure([key]);
  return throttle.retryAfter([key]);
};

describe("lockSeconds", () => {
  it("lets the first failures through, then doubles the wait up to its cap", () => {
    expect([1, 2, 3, 4].map((failures) => lockSeconds(failures, ACCOUNT_POLICY))).toEqual([
      0, 0, 0, 0,
    ]);
    expect([5, 6, 7, 8].map((failures) => lockSeconds(failures, ACCOUNT_POLICY))).toEqual([
      1, 2, 4, 8,
    ]);
    expect(lockSeconds(40, ACCOUNT_POLICY)).toBe(15 * 60);
  });
});

describe("createThrottle", () => {
  it("counts one key's failures across two instances on one database", async () => {
    const first = createThrottle(database.db, now);
    const second = createThrottle(database.db, now);
    for (let failure = 1; failure <= 4; failure++) {
      expect(await fail(failure % 2 ? first : second)).toBe(0);
    }
    expect(await fail(first)).toBe(1);
    expect(await second.retryAfter([accountKey("ada")])).toBe(1);
    expect(await second.retryAfter([accountKey("bob"), addressKey("192.0.2.1")])).toBe(0);
    clock += 1000;
    expect(await fail(second)).toBe(2);
    clock += 2000;
    expect(await fail(first)).toBe(4);
  });

  it("answers the longest lock among the keys, and never shortens a lock", async () => {
    const throttle = createThrottle(database.db, now);
    expect(await throttle.retryAfter([addressKey("192.0.2.1"), accountKey("ada")])).toBe(4);
    // Another instance, counting a later failure, locked the key for longer meanwhile.
    await database.db
      .update(throttleTable)
      .set({ lockedUntil: new Date(clock + 600_000) })
      .where(eq(throttleTable.key, accountKey("ada").key));
    expect(await fail(throttle)).toBe(600);
    await throttle.forget(accountKey("ada"));
    expect(await throttle.retryAfter([accountKey("ada")])).toBe(0);
  });

  it("counts from nothing again an hour after a key's last failure, and drops stale rows", async () => {
    const throttle = createThrottle(database.db, now);
    for (let failure = 1; failure <= 5; failure++) await throttle.recordFailure([accountKey("cy")]);
    expect(await throttle.retryAfter([accountKey("cy")])).toBe(1);
    clock += FORGET_AFTER_MS + 1000;
    expect(await fail(throttle, accountKey("cy"))).toBe(0);
    const rows = await database.db.select().from(throttleTable);
    expect(rows.map((row) => row.failures)).toEqual([1]);
  });

  it("stores no username or address, only their SHA-256", async () => {
    const throttle = createThrottle(database.db, now);
    await throttle.recordFailure([accountKey("my-secret-password"), addressKey("198.51.100.7")]);
    const stored = JSON.stringify(await database.db.select().from(throttleTable));
    expect(stored).not.toContain("my-secret-password");
    expect(stored).not.toContain("198.51.100.7");
  });
});
