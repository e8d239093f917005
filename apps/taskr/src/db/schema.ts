import { index, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export const users = pgTable("taskr_users", {
  id: text("id").primaryKey(),
  // Stored lower-cased, so "Alice" and "alice" are one account.
  username: text("username").notNull().unique(),
  passwordHash: text("password_hash").notNull(),
  role: text("role", { enum: ["admin", "member"] }).notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Lucia's session guide: the id is the SHA-256 of the cookie's token, never the token itself. */
export const sessions = pgTable(
  "taskr_sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (table) => [index("taskr_sessions_user_idx").on(table.userId)],
);

/**
 * Outside sandbox mode the only way in: the id is the SHA-256 of the invite code (as sessions
 * are), the username is the admin's choice, and a signup consumes the row once.
 */
export const invites = pgTable(
  "taskr_invites",
  {
    id: text("id").primaryKey(),
    username: text("username").notNull(),
    role: text("role", { enum: ["admin", "member"] }).notNull(),
    // Null for the first admin's invite, which comes from configuration.
    createdBy: text("created_by").references(() => users.id, { onDelete: "cascade" }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    consumedAt: timestamp("consumed_at", { withTimezone: true }),
  },
  (table) => [index("taskr_invites_username_idx").on(table.username)],
);

/**
 * Failed sign-ins per key (a username, a client address), shared by every instance. The key is
 * a SHA-256: people type passwords into the username field, and those must not sit in a table.
 */
export const throttle = pgTable(
  "taskr_throttle",
  {
    key: text("key").primaryKey(),
    failures: integer("failures").notNull(),
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    lastFailureAt: timestamp("last_failure_at", { withTimezone: true }).notNull(),
  },
  (table) => [index("taskr_throttle_last_failure_idx").on(table.lastFailureAt)],
);

export const schema = { users, sessions, invites, throttle };
export type User = typeof users.$inferSelect;
