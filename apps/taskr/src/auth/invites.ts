import { randomUUID } from "node:crypto";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { TaskrDatabase } from "../db/open-database";
import { invites, type User, users } from "../db/schema";
import { generateSessionToken, sessionIdOf } from "./sessions";

const DAY_MS = 24 * 60 * 60 * 1000;
export const INVITE_LIFETIME_MS = 7 * DAY_MS;
/** The first admin's invite is armed again at every start while Taskr has no admin. */
export const FIRST_ADMIN_INVITE_LIFETIME_MS = DAY_MS;

export type Invite = { username: string; role: User["role"]; expiresAt: Date };

/** 160 random bits, as a session token: a code cannot be guessed, only handed over. */
export const generateInviteCode = generateSessionToken;
/** Only the SHA-256 is stored: a stolen database holds no usable invite. */
export const inviteIdOf = sessionIdOf;

/**
 * An invite for `username`, shown to the admin once. Inviting the same name again replaces any
 * invite still open for it, so a link sent to the wrong place can be killed by sending another.
 */
export async function createInvite(
  db: TaskrDatabase,
  invite: { username: string; role: User["role"]; createdBy: string | null; lifetimeMs: number },
): Promise<{ code: string; expiresAt: Date }> {
  const code = generateInviteCode();
  const expiresAt = new Date(Date.now() + invite.lifetimeMs);
  await db.transaction(async (tx) => {
    await tx
      .delete(invites)
      .where(and(eq(invites.username, invite.username), isNull(invites.consumedAt)));
    await tx.insert(invites).values({
      id: inviteIdOf(code),
      username: invite.username,
      role: invite.role,
      createdBy: invite.createdBy,
      expiresAt,
    });
  });
  return { code, expiresAt };
}

/** The invite behind `code` if it is neither used nor expired; null for anything else. */
export async function findOpenInvite(db: TaskrDatabase, code: string): Promise<Invite | null> {
  const [invite] = await db
    .select({ username: invites.username, role: invites.role, expiresAt: invites.expiresAt })
    .from(invites)
    .where(openInvite(code));
  return invite ?? null;
}

/**
 * Consumes the invite and creates its user in one transaction: exactly one of two racing
 * sign-ups with the same code gets the account. A name taken since the invite was made (which
 * inviting refuses, so only by a race) burns the invite and makes no account.
 */
export function signUpWithInvite(
  db: TaskrDatabase,
  code: string,
  passwordHash: string,
): Promise<User | null> {
  return db.transaction(async (tx) => {
    const [invite] = await tx
      .update(invites)
      .set({ consumedAt: new Date() })
      .where(openInvite(code))
      .returning({ username: invites.username, role: invites.role });
    if (!invite) return null;
    const [created] = await tx
      .insert(users)
      .values({ id: randomUUID(), passwordHash, ...invite })
      .onConflictDoNothing({ target: users.username })
      .returning();
    return created ?? null;
  });
}

/**
 * Outside sandbox mode the first admin comes from configuration: while no admin exists, the
 * configured code is an admin invite for the configured username. Without one, Taskr could
 * never get an admin, so the start stops and says which variables to set.
 */
export async function armFirstAdminInvite(
  db: TaskrDatabase,
  firstAdmin: { username: string; code: string } | undefined,
): Promise<"has_admin" | "invite_armed"> {
  const [admin] = await db.select({ id: users.id }).from(users).where(eq(users.role, "admin"));
  if (admin) return "has_admin";
  if (!firstAdmin) {
    throw new Error(
      "Taskr cannot start: it has no admin yet and sign-up is by invite only. Set TASKR_ADMIN_USERNAME and TASKR_ADMIN_INVITE, then sign up with that invite code",
    );
  }
  const expiresAt = new Date(Date.now() + FIRST_ADMIN_INVITE_LIFETIME_MS);
  await db
    .insert(invites)
    .values({
      id: inviteIdOf(firstAdmin.code),
      username: firstAdmin.username,
      role: "admin",
      createdBy: null,
      expiresAt,
    })
    .onConflictDoUpdate({
      target: invites.id,
      set: { username: firstAdmin.username, expiresAt },
      setWhere: isNull(invites.consumedAt),
    });
  return "invite_armed";
}

function openInvite(code: string) {
  return and(
    eq(invites.id, inviteIdOf(code)),
    isNull(invites.consumedAt),
    gt(invites.expiresAt, sql`now()`),
  );
}
