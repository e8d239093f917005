import { sha256 } from "@oslojs/crypto/sha2";
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from "@oslojs/encoding";
import { eq } from "drizzle-orm";
import type { TaskrDatabase } from "../db/open-database";
import { sessions, type User, users } from "../db/schema";

// Sessions as in the Lucia guide (https://lucia-auth.com/sessions/basic), on @oslojs.
const DAY_MS = 24 * 60 * 60 * 1000;
export const SESSION_LIFETIME_MS = 30 * DAY_MS;

export type Session = { id: string; userId: string; expiresAt: Date };

/** 160 random bits, base32: the cookie's value. */
export function generateSessionToken(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

/** A stolen database holds only hashes: a session id cannot be turned back into a cookie. */
export function sessionIdOf(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

export async function createSession(
  db: TaskrDatabase,
  token: string,
  userId: string,
): Promise<Session> {
  const session = {
    id: sessionIdOf(token),
    userId,
    expiresAt: new Date(Date.now() + SESSION_LIFETIME_MS),
  };
  await db.insert(sessions).values(session);
  return session;
}

/** Expired sessions are deleted; a session used in its second half is extended (sliding expiry). */
export async function validateSessionToken(
  db: TaskrDatabase,
  token: string,
): Promise<{ session: Session; user: User } | null> {
  const sessionId = sessionIdOf(token);
  const [row] = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(sessions.userId, users.id))
    .where(eq(sessions.id, sessionId));
  if (!row) return null;
  const { session, user } = row;
  if (Date.now() >= session.expiresAt.getTime()) {
    await db.delete(sessions).where(eq(sessions.id, session.id));
    return null;
  }
  if (Date.now() >= session.expiresAt.getTime() - SESSION_LIFETIME_MS / 2) {
    session.expiresAt = new Date(Date.now() + SESSION_LIFETIME_MS);
    await db
      .update(sessions)
      .set({ expiresAt: session.expiresAt })
      .where(eq(sessions.id, session.id));
  }
  return { session, user };
}

export async function invalidateSession(db: TaskrDatabase, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}
