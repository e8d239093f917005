import type { Session } from "./auth/sessions";
import type { User } from "./db/schema";

/** What every Taskr request carries once the session middleware has run. */
export type TaskrEnv = { Variables: { user: User | null; session: Session | null } };

/** Taskr is one workspace: every user belongs to it, the first to sign up administers it. */
export const TENANT_ID = "taskr";
