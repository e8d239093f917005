import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { type Context, Hono } from "hono";
import { z } from "zod";
import type { TaskrDatabase } from "../db/open-database";
import { users } from "../db/schema";
import type { TaskrEnv } from "../env";
import { hashPassword, verifyPassword } from "./password";
import { clearSessionCookie, setSessionCookie } from "./session-cookie";
import { createSession, generateSessionToken, invalidateSession } from "./sessions";

const credentials = z.object({
  username: z
    .string()
    .trim()
    .toLowerCase()
    .regex(
      /^[a-z0-9_.-]{3,32}$/,
      "Usernames are 3 to 32 letters, digits, dots, dashes or underscores",
    ),
  password: z.string().min(8, "Passwords have at least 8 characters").max(256),
});

const fail = (code: string, message: string) => ({ error: { code, message } });

// Verifying against a real hash when the user does not exist keeps the timing the same.
let dummyHash: Promise<string> | undefined;

export function authRoutes(db: TaskrDatabase, secure: boolean) {
  const app = new Hono<TaskrEnv>();

  const startSession = async (c: Context<TaskrEnv>, userId: string) => {
    // Rotation on login: an old session (perhaps planted) never survives a sign-in.
    const previous = c.get("session");
    if (previous) await invalidateSession(db, previous.id);
    const token = generateSessionToken();
    const session = await createSession(db, token, userId);
    setSessionCookie(c, token, session.expiresAt, secure);
  };

  app.get("/me", (c) => {
    const user = c.get("user");
    return c.json({
      user: user ? { id: user.id, username: user.username, role: user.role } : null,
    });
  });

  app.post("/signup", async (c) => {
    const parsed = credentials.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) {
      return c.json(
        fail("invalid_request", parsed.error.issues[0]?.message ?? "Invalid input"),
        400,
      );
    }
    const { username, password } = parsed.data;
    const passwordHash = await hashPassword(password);
    const [{ count } = { count: 0 }] = await db
      .select({ count: sql<number>`count(*)::int` })
      .from(users);
    const [created] = await db
      .insert(users)
      .values({
        id: randomUUID(),
        username,
        passwordHash,
        role: Number(count) === 0 ? "admin" : "member",
      })
      .onConflictDoNothing({ target: users.username })
      .returning();
    if (!created) return c.json(fail("username_taken", "That username is taken"), 409);
    await startSession(c, created.id);
    return c.json(
      { user: { id: created.id, username: created.username, role: created.role } },
      201,
    );
  });

  app.post("/login", async (c) => {
    const parsed = credentials.safeParse(await c.req.json().catch(() => null));
    const wrong = fail("wrong_credentials", "Wrong username or password");
    if (!parsed.success) return c.json(wrong, 401);
    const [user] = await db.select().from(users).where(eq(users.username, parsed.data.username));
    if (!user) {
      dummyHash ??= hashPassword("not-a-real-password");
      await verifyPassword(await dummyHash, parsed.data.password);
      return c.json(wrong, 401);
    }
    if (!(await verifyPassword(user.passwordHash, parsed.data.password))) return c.json(wrong, 401);
    await startSession(c, user.id);
    return c.json({ user: { id: user.id, username: user.username, role: user.role } });
  });

  app.post("/logout", async (c) => {
    const session = c.get("session");
    if (session) await invalidateSession(db, session.id);
    clearSessionCookie(c, secure);
    return c.json({ ok: true });
  });

  return app;
}
