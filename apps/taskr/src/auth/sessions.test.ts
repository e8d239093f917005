import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openDatabase } from "../db/open-database";
import { sessions, users } from "../db/schema";
import {
  createSession,
  generateSessionToken,
  invalidateSession,
  SESSION_LIFETIME_MS,
  sessionIdOf,
  validateSessionToken,
} from "./sessions";

let database: Awaited<ReturnType<typeof openDatabase>>;

beforeAll(async () => {
  database = await openDatabase(undefined);
  await database.db
    .insert(users)
    .values({ id: "u1", username: "ada", passwordHash: "x", role: "admin" });
});

afterAll(() => database.client.close());

it("stores only the SHA-256 of the token, and the token validates to its user", async () => {
  const token = generateSessionToken();
  expect(token).toMatch(/^[a-z2-7]{32}$/);
  const session = await createSession(database.db, token, "u1");
  expect(session.id).toBe(sessionIdOf(token));
  expect(session.id).not.toContain(token);
  const stored = await database.db.select().from(sessions).where(eq(sessions.id, session.id));
  expect(JSON.stringify(stored)).not.toContain(token);
  expect((await validateSessionToken(database.db, token))?.user.username).toBe("ada");
  expect(await validateSessionToken(database.db, generateSessionToken())).toBeNull();
});

it("deletes an expired session and extends one used in its second half (sliding expiry)", async () => {
  const expired = generateSessionToken();
  await createSession(database.db, expired, "u1");
  await database.db
    .update(sessions)
    .set({ expiresAt: new Date(Date.now() - 1_000) })
    .where(eq(sessions.id, sessionIdOf(expired)));
  expect(await validateSessionToken(database.db, expired)).toBeNull();
  expect(
    await database.db
      .select()
      .from(sessions)
      .where(eq(sessions.id, sessionIdOf(expired))),
  ).toEqual([]);

  const aging = generateSessionToken();
  await createSession(database.db, aging, "u1");
  const soon = new Date(Date.now() + SESSION_LIFETIME_MS / 4);
  await database.db
    .update(sessions)
    .set({ expiresAt: soon })
    .where(eq(sessions.id, sessionIdOf(aging)));
  const validated = await validateSessionToken(database.db, aging);
  expect(validated!.session.expiresAt.getTime()).toBeGreaterThan(
    Date.now() + SESSION_LIFETIME_MS - 60_000,
  );
});

it("an invalidated session no longer validates", async () => {
  const token = generateSessionToken();
  const session = await createSession(database.db, token, "u1");
  await invalidateSession(database.db, session.id);
  expect(await validateSessionToken(database.db, token)).toBeNull();
});
