import { createHash } from "node:crypto";
import { secretsMatch } from "../secrets";

/** RFC 7636 §4.1: 43 to 128 characters from the unreserved set. */
const verifierPattern = /^[A-Za-z0-9\-._~]{43,128}$/;
/** An S256 challenge is BASE64URL(SHA-256(verifier)): always 43 characters, no padding. */
const s256ChallengePattern = /^[A-Za-z0-9_-]{43}$/;

export function isS256Challenge(challenge: string): boolean {
  return s256ChallengePattern.test(challenge);
}

export function isCodeVerifier(verifier: string): boolean {
  return verifierPattern.test(verifier);
}

export function computeS256Challenge(verifier: string): string {
  return createHash("sha256").update(verifier, "ascii").digest("base64url");
}

/** RFC 7636 §4.6, S256 only; `plain` is refused at the authorization endpoint. */
export function verifyCodeVerifier(verifier: string, challenge: string): boolean {
  return isCodeVerifier(verifier) && secretsMatch(computeS256Challenge(verifier), challenge);
}
