/**
 * Attio's OAuth scopes, each with the one-line description the consent page shows.
 * Scope names as in Attio's endpoint reference, e.g. "Required scopes: `task:read`".
 */
export const attioScopes = {
  "record_permission:read": "Read records including people, companies, and deals",
  "record_permission:read-write": "Read and write records",
  "object_configuration:read": "Read object configuration and attribute definitions",
  "object_configuration:read-write": "Read and write object configuration",
  "user_management:read": "Read workspace user information",
  "task:read": "Read tasks",
  "task:read-write": "Read and write tasks",
  "list:read": "Read lists and list entries",
  "list:read-write": "Read and write lists and list entries",
  "note:read": "Read notes on records",
  "note:read-write": "Read and write notes on records",
} as const;

export type AttioScope = keyof typeof attioScopes;

export const supportedScopes = Object.keys(attioScopes) as AttioScope[];

/**
 * What an authorize request without `scope` gets. At Attio the scopes live in the app's settings;
 * these are the ones the Taskr tutorial turns on (tasks, users, objects and records, read-only).
 */
export const defaultScopes: AttioScope[] = [
  "record_permission:read",
  "object_configuration:read",
  "user_management:read",
  "task:read",
];

export function isAttioScope(value: string): value is AttioScope {
  return Object.hasOwn(attioScopes, value);
}

/** RFC 6749 §3.3: space-delimited, order irrelevant; duplicates collapse. */
export function parseScope(value: string): string[] {
  return [...new Set(value.split(" ").filter((scope) => scope.length > 0))];
}

export function formatScope(scopes: readonly string[]): string {
  return scopes.join(" ");
}
