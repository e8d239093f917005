import type { Session } from "./auth/sessions";
import type { User } from "./db/schema";

/** What every Taskr request carries once the session middleware has run. */
export type TaskrEnv = { Variables: { user: User | null; session: Session | null } };

/**
 * Taskr is one workspace: every user belongs to it. Its admin is the first to sign up in sandbox
 * mode, and the one named by TASKR_ADMIN_USERNAME elsewhere.
 */
export const TENANT_ID = "taskr";
