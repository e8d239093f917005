import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { VaultOpenError } from "./errors";
import {
  aeadOpen,
  aeadSeal,
  associatedData,
  formatSealed,
  generateNonce,
  openRecord,
  parseSealed,
  sealRecord,
} from "./seal";

const dataKey = randomBytes(32);
const scope = { tenantId: "tenant-1", recordId: "connection-1", purpose: "credential" };

describe("generateNonce", () => {
  it("repeats no nonce in 1,000,000 draws", () => {
    const seen = new Set<string>();
    let lengths = 0;
    for (let index = 0; index < 1_000_000; index += 1) {
      const nonce = generateNonce();
      lengths += nonce.length;
      seen.add(nonce.toString("hex"));
    }
    expect(lengths).toBe(12_000_000);
    expect(seen.size).toBe(1_000_000);
  });

  it("hands out copies: changing one nonce changes no other", () => {
    const first = generateNonce();
    const copy = Buffer.from(first);
    generateNonce().fill(0);
    expect(first.equals(copy)).toBe(true);
  });

  it("is the nonce that sealing uses: no repeat across 10,000 real seals under one key", () => {
    const nonces = new Set<string>();
    for (let index = 0; index < 10_000; index += 1) {
      nonces.add(sealRecord(dataKey, scope, Buffer.from("same plaintext")).split(".")[1]!);
    }
    expect(nonces.size).toBe(10_000);
  });
});

describe("associatedData", () => {
  it("encodes field boundaries, so shifting characters between fields changes it", () => {
    expect(associatedData("ab", "c").equals(associatedData("a", "bc"))).toBe(false);
    expect(associatedData("a", "").equals(associatedData("a"))).toBe(false);
  });

  it("makes a tenant/record split ambiguous in text fail to open", () => {
    const sealed = sealRecord(dataKey, { tenantId: "t.1", recordId: "r" }, Buffer.from("x"));
    expect(() => openRecord(dataKey, { tenantId: "t", recordId: "1.r" }, sealed)).toThrow(
      VaultOpenError,
    );
  });
});

describe("sealRecord / openRecord", () => {
  it("round-trips, including an empty plaintext", () => {
    for (const plaintext of [Buffer.alloc(0), Buffer.from("token"), randomBytes(4096)]) {
      const sealed = sealRecord(dataKey, scope, plaintext);
      expect(sealed).toMatch(/^xv1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22,}$/);
      expect(openRecord(dataKey, scope, sealed).equals(plaintext)).toBe(true);
    }
  });

  it("binds the purpose", () => {
    const sealed = sealRecord(dataKey, scope, Buffer.from("x"));
    expect(() => openRecord(dataKey, { ...scope, purpose: "flow" }, sealed)).toThrow(
      VaultOpenError,
    );
    expect(() =>
      openRecord(dataKey, { tenantId: "tenant-1", recordId: "connection-1" }, sealed),
    ).toThrow(VaultOpenError);
  });
});

describe("parseSealed", () => {
  const sealed = sealRecord(dataKey, scope, Buffer.from("secret"));
  const [, nonce, body] = sealed.split(".");

  it("accepts its own format and formats back to the same text", () => {
    expect(formatSealed(parseSealed(sealed)!)).toBe(sealed);
  });

  it("rejects anything else", () => {
    const tag16 = Buffer.alloc(16).toString("base64url");
    for (const bad of [
      "",
      "secret",
      `xv2.${nonce}.${body}`,
      `XV1.${nonce}.${body}`,
      `xv1.${nonce}`,
      `xv1.${nonce}.${body}.`,
      `xv1.${nonce}.${body}.extra`,
      `xv1..${body}`,
      `xv1.${nonce}.`,
      `xv1.${nonce}=.${body}`,
      `xv1.${nonce}.${body}=`,
      `xv1.${nonce!.slice(1)}.${body}`,
      `xv1.${nonce}.${tag16.slice(0, -1)}`,
      `xv1.${nonce}.${body!.replace(/-/g, "+").replace(/_/g, "/")}+`,
      ` ${sealed}`,
      `${sealed}\n`,
    ]) {
      expect(parseSealed(bad), bad).toBeNull();
      expect(() => openRecord(dataKey, scope, bad)).toThrow(/is not in the xv1 format/);
    }
    expect(parseSealed(null)).toBeNull();
    expect(parseSealed(42)).toBeNull();
  });

  it("rejects a non-canonical base64url spelling of the same bytes", () => {
    // 22 characters carry 132 bits for 128; setting the spare low bits must not also parse.
    const tagOnly = `xv1.${nonce}.${Buffer.alloc(16).toString("base64url")}`;
    expect(parseSealed(tagOnly)).not.toBeNull();
    expect(parseSealed(`${tagOnly.slice(0, -1)}B`)).toBeNull();
  });
});

describe("aeadOpen", () => {
  it("returns null rather than throwing on a short or forged box", () => {
    const box = aeadSeal(dataKey, Buffer.from("x"), Buffer.from("ad"));
    expect(aeadOpen(dataKey, box.subarray(0, 27), Buffer.from("ad"))).toBeNull();
    expect(aeadOpen(randomBytes(32), box, Buffer.from("ad"))).toBeNull();
    expect(aeadOpen(dataKey, box, Buffer.from("ad"))?.toString()).toBe("x");
  });
});
