import { index, pgTable, text, timestamp } from "drizzle-orm/pg-core";

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

export const schema = { users, sessions };
export type User = typeof users.$inferSelect;
