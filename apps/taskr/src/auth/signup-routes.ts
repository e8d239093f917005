import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { type Context, Hono } from "hono";
import { z } from "zod";
import { users } from "../db/schema";
import type { TaskrEnv } from "../env";
import { failure, tooManyAttempts, userView } from "./answers";
import { requestAddress } from "./client-address";
import { createInvite, findOpenInvite, INVITE_LIFETIME_MS, signUpWithInvite } from "./invites";
import { type AuthOptions, password, startSession, username } from "./sign-in";
import { addressKey } from "./throttle";

const inviteCode = z
  .string({ error: "Paste the invite code your admin sent you" })
  .trim()
  .min(1, "Paste the invite code your admin sent you")
  .max(64, "That is not an invite code");
const openSignup = z.object({ username, password });
const invitedSignup = z.object({ invite: inviteCode, password });

// One answer for every code that cannot be used: unknown, used, expired or replaced.
const invalidInvite = failure(
  "invalid_invite",
  "This invite cannot be used: it may have expired, been used already or been replaced. Ask your admin for a new one.",
);

/**
 * Sign-up and invites. In invite mode the admin chooses the username when inviting, so nothing
 * a stranger can send is ever answered by whether a name exists.
 */
export function signupRoutes(options: AuthOptions) {
  const { db, passwords, throttle } = options;
  const app = new Hono<TaskrEnv>();

  /** Every refused sign-up counts against the address, like a wrong password. */
  const refuse = async (c: Context, status: 400 | 409, body: ReturnType<typeof failure>) => {
    await throttle.recordFailure([addressKey(requestAddress(c, options.trustedProxies))]);
    return c.json(body, status);
  };
  const throttled = async (c: Context) => {
    const wait = await throttle.retryAfter([addressKey(requestAddress(c, options.trustedProxies))]);
    return wait > 0 ? tooManyAttempts(c, wait) : null;
  };
  const invalid = (c: Context, error: z.ZodError) =>
    c.json(failure("invalid_request", error.issues[0]?.message ?? "Invalid input"), 400);

  app.get("/signup", (c) => c.json({ mode: options.signupMode }));

  app.post("/signup", async (c) => {
    const refused = await throttled(c);
    if (refused) return refused;
    const body = await c.req.json().catch(() => null);
    if (options.signupMode === "open") {
      const parsed = openSignup.safeParse(body);
      if (!parsed.success) return invalid(c, parsed.error);
      const passwordHash = await passwords.hash(parsed.data.password);
      const [created] = await db
        .insert(users)
        .values({
          id: randomUUID(),
          username: parsed.data.username,
          passwordHash,
          // Sandbox mode only: the first to sign up on a fresh instance administers it.
          role: sql`case when exists (select 1 from ${users}) then 'member' else 'admin' end`,
        })
        .onConflictDoNothing({ target: users.username })
        .returning();
      // Open sign-up cannot hide that a name is taken (signing up with it fails); the
      // address throttle bounds how fast anyone can find out.
      if (!created) {
        return refuse(
          c,
          409,
          failure(
            "username_unavailable",
            "That username is not available. Choose another, or log in if it is yours.",
          ),
        );
      }
      await startSession(c, options, created.id);
      return c.json({ user: userView(created) }, 201);
    }
    const parsed = invitedSignup.safeParse(body);
    if (!parsed.success) return invalid(c, parsed.error);
    // Checked before any hashing, so a stranger's guesses cost no argon2 work.
    if (!(await findOpenInvite(db, parsed.data.invite))) return refuse(c, 400, invalidInvite);
    const passwordHash = await passwords.hash(parsed.data.password);
    const created = await signUpWithInvite(db, parsed.data.invite, passwordHash);
    if (!created) return refuse(c, 400, invalidInvite);
    await startSession(c, options, created.id);
    return c.json({ user: userView(created) }, 201);
  });

  if (options.signupMode === "invite") {
    /** Who an invite is for, so the sign-up page can say it and password managers save it. */
    app.post("/invites/lookup", async (c) => {
      const refused = await throttled(c);
      if (refused) return refused;
      const parsed = z
        .object({ invite: inviteCode })
        .safeParse(await c.req.json().catch(() => null));
      if (!parsed.success) return invalid(c, parsed.error);
      const invite = await findOpenInvite(db, parsed.data.invite);
      if (!invite) return refuse(c, 400, invalidInvite);
      return c.json({ username: invite.username, expiresAt: invite.expiresAt.toISOString() });
    });

    app.post("/invites", async (c) => {
      const admin = c.get("user");
      if (!admin) return c.json(failure("unauthenticated", "Log in first"), 401);
      if (admin.role !== "admin") {
        return c.json(failure("forbidden", "Only a workspace admin can invite people"), 403);
      }
      const parsed = z.object({ username }).safeParse(await c.req.json().catch(() => null));
      if (!parsed.success) return invalid(c, parsed.error);
      const [existing] = await db
        .select({ id: users.id })
        .from(users)
        .where(eq(users.username, parsed.data.username));
      if (existing) {
        return c.json(
          failure("username_unavailable", "Someone already has that username. Choose another."),
          409,
        );
      }
      const { code, expiresAt } = await createInvite(db, {
        username: parsed.data.username,
        role: "member",
        createdBy: admin.id,
        lifetimeMs: INVITE_LIFETIME_MS,
      });
      // Shown once, to the admin: no cache may keep it. In the link's fragment, the code never
      // reaches a server or a proxy's access log when the link is opened.
      c.header("cache-control", "no-store");
      return c.json(
        {
          invite: {
            username: parsed.data.username,
            code,
            url: `${options.baseUrl}/signup#invite=${code}`,
            expiresAt: expiresAt.toISOString(),
          },
        },
        201,
      );
    });
  }

  return app;
}
