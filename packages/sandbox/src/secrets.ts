import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export const accessTokenPrefix = "sbx_at_";
export const refreshTokenPrefix = "sbx_rt_";
export const authorizationCodePrefix = "sbx_ac_";
export const pendingRequestPrefix = "sbx_pr_";

/** 256 bits of randomness behind a prefix that makes the token's kind obvious in a test log. */
export function generateSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString("base64url")}`;
}

/**
 * The store keys every secret by its SHA-256, so a lookup never compares the secret itself and
 * a dump of the store holds nothing usable (the Lucia session pattern).
 */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("base64url");
}

/** Constant-time equality; hashing first gives equal lengths, which timingSafeEqual requires. */
export function secretsMatch(presented: string, expected: string): boolean {
  const a = createHash("sha256").update(presented).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}
