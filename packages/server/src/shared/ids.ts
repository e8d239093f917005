import { createHash, randomBytes, randomUUID } from "node:crypto";

/** 256 bits, base64url: for state, nonces and flow ids that must not be guessed. */
export function randomToken(): string {
  return randomBytes(32).toString("base64url");
}

export function newId(): string {
  return randomUUID();
}

/** The state is stored only as its hash, so a database reader cannot complete someone's flow. */
export function hashState(state: string): string {
  return createHash("sha256").update(state).digest("base64url");
}
