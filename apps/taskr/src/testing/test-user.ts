import type { User } from "../db/schema";

/** The signed-in member the route tests act as (tests only). */
export const testUser: User = {
  id: "user-1",
  username: "ada",
  passwordHash: "",
  role: "member",
  createdAt: new Date(),
};
