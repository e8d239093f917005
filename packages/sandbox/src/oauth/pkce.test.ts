import { describe, expect, it } from "vitest";
import { computeS256Challenge, isS256Challenge, verifyCodeVerifier } from "./pkce";

// RFC 7636 Appendix B.
const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

describe("pkce", () => {
  it("computes the RFC 7636 example challenge", () => {
    expect(computeS256Challenge(verifier)).toBe(challenge);
    expect(isS256Challenge(challenge)).toBe(true);
  });

  it("accepts the matching verifier only", () => {
    expect(verifyCodeVerifier(verifier, challenge)).toBe(true);
    expect(verifyCodeVerifier(`${verifier.slice(0, -1)}A`, challenge)).toBe(false);
  });

  it("refuses verifiers outside RFC 7636's length and alphabet", () => {
    const short = "a".repeat(42);
    expect(verifyCodeVerifier(short, computeS256Challenge(short))).toBe(false);
    const spaced = `${"a".repeat(42)} `;
    expect(verifyCodeVerifier(spaced, computeS256Challenge(spaced))).toBe(false);
    expect(isS256Challenge("plain-challenge")).toBe(false);
  });
});
