import { randomBytes } from "node:crypto";
import fc from "fast-check";
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

const dataKey = { version: 1, key: randomBytes(32) };
const scope = {
  tenantId: "tenant-1",
  recordId: "connection-1",
  purpose: "credential",
  bindings: ["attio", "user", "alice", "epoch-1"],
};
const open = (sealed: string, openScope = scope, key = dataKey.key) => {
  const parts = parseSealed(sealed);
  if (parts === null) throw new Error("not a sealed value");
  return openRecord(key, openScope, parts);
};
/** What the first version of the kit stored: xv1, associated data without bindings. */
const sealXv1 = (plaintext: Buffer, xv1Scope: typeof scope = scope) => {
  const box = aeadSeal(
    dataKey.key,
    plaintext,
    associatedData("xv1", "record", xv1Scope.tenantId, xv1Scope.recordId, xv1Scope.purpose),
  );
  return `xv1.${box.subarray(0, 12).toString("base64url")}.${box.subarray(12).toString("base64url")}`;
};

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
      nonces.add(sealRecord(dataKey, scope, Buffer.from("same plaintext")).split(".")[2]!);
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
    expect(() => open(sealed, { tenantId: "t", recordId: "1.r" } as typeof scope)).toThrow(
      VaultOpenError,
    );
  });
});

describe("sealRecord / openRecord", () => {
  it("round-trips, including an empty plaintext, naming the data key version", () => {
    for (const plaintext of [Buffer.alloc(0), Buffer.from("token"), randomBytes(4096)]) {
      const sealed = sealRecord({ ...dataKey, version: 42 }, scope, plaintext);
      expect(sealed).toMatch(/^xv2\.42\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22,}$/);
      expect(parseSealed(sealed)?.dataKeyVersion).toBe(42);
      expect(open(sealed).equals(plaintext)).toBe(true);
    }
  });

  it("binds the purpose", () => {
    const sealed = sealRecord(dataKey, scope, Buffer.from("x"));
    expect(() => open(sealed, { ...scope, purpose: "flow" })).toThrow(VaultOpenError);
    const { purpose: _, ...withoutPurpose } = scope;
    expect(() => open(sealed, withoutPurpose as typeof scope)).toThrow(VaultOpenError);
  });

  it("binds every binding, its position and their number", () => {
    const sealed = sealRecord(dataKey, scope, Buffer.from("x"));
    const [provider, visibility, owner, epoch] = scope.bindings;
    for (const bindings of [
      ["github", visibility, owner, epoch],
      [provider, "workspace", owner, epoch],
      [provider, visibility, "bob", epoch],
      [provider, visibility, owner, "epoch-0"],
      [provider, visibility, epoch, owner],
      [provider, visibility, owner],
      [...scope.bindings, ""],
      [],
    ]) {
      expect(() => open(sealed, { ...scope, bindings: bindings as string[] })).toThrow(
        VaultOpenError,
      );
    }
  });

  it("opens an xv1 value with its own associated data, which never had bindings", () => {
    const legacy = sealXv1(Buffer.from("old token"));
    expect(parseSealed(legacy)).toMatchObject({ format: "xv1", dataKeyVersion: 1 });
    expect(open(legacy).toString()).toBe("old token");
    expect(open(legacy, { ...scope, bindings: ["anything"] }).toString()).toBe("old token");
    expect(() => open(legacy, { ...scope, recordId: "connection-2" })).toThrow(VaultOpenError);
  });

  it("does not open an xv2 value relabelled xv1, nor the reverse", () => {
    const sealed = sealRecord(dataKey, scope, Buffer.from("x"));
    expect(() => open(`xv1.${sealed.split(".").slice(2).join(".")}`)).toThrow(VaultOpenError);
    const legacy = sealXv1(Buffer.from("x"));
    expect(() => open(`xv2.1.${legacy.slice(4)}`)).toThrow(VaultOpenError);
  });
});

describe("parseSealed", () => {
  const sealed = sealRecord(dataKey, scope, Buffer.from("secret"));
  const [, , nonce, body] = sealed.split(".");

  it("accepts its own format and formats back to the same text", () => {
    const parts = parseSealed(sealed)!;
    expect(formatSealed(parts.dataKeyVersion, parts.box)).toBe(sealed);
    expect(parseSealed(`xv1.${nonce}.${body}`)).toMatchObject({ format: "xv1", dataKeyVersion: 1 });
  });

  it("rejects anything else", () => {
    const tag16 = Buffer.alloc(16).toString("base64url");
    for (const bad of [
      "",
      "secret",
      `xv3.1.${nonce}.${body}`,
      `XV2.1.${nonce}.${body}`,
      `xv2.${nonce}.${body}`,
      `xv2.0.${nonce}.${body}`,
      `xv2.01.${nonce}.${body}`,
      `xv2.-1.${nonce}.${body}`,
      `xv2.1a.${nonce}.${body}`,
      `xv2.1234567890.${nonce}.${body}`,
      `xv2..${nonce}.${body}`,
      `xv1.1.${nonce}.${body}`,
      `xv2.1.${nonce}`,
      `xv2.1.${nonce}.${body}.`,
      `xv2.1.${nonce}.${body}.extra`,
      `xv2.1..${body}`,
      `xv2.1.${nonce}.`,
      `xv2.1.${nonce}=.${body}`,
      `xv2.1.${nonce}.${body}=`,
      `xv2.1.${nonce!.slice(1)}.${body}`,
      `xv2.1.${nonce}.${tag16.slice(0, -1)}`,
      `xv2.1.${nonce}.${body!.replace(/-/g, "+").replace(/_/g, "/")}+`,
      `xv2.1.${nonce}.${body!.slice(0, 5)} ${body!.slice(5)}`,
      `xv2.1.${nonce}.${body!.slice(0, 5)}!${body!.slice(6)}`,
      ` ${sealed}`,
      `${sealed}\n`,
    ]) {
      expect(parseSealed(bad), bad).toBeNull();
    }
    expect(parseSealed(null)).toBeNull();
    expect(parseSealed(42)).toBeNull();
  });

  it("rejects a non-canonical base64url spelling of the same bytes", () => {
    // 22 characters carry 132 bits for 128; setting the spare low bits must not also parse.
    const tagOnly = `xv2.1.${nonce}.${Buffer.alloc(16).toString("base64url")}`;
    expect(parseSealed(tagOnly)).not.toBeNull();
    expect(parseSealed(`${tagOnly.slice(0, -1)}B`)).toBeNull();
    // 23 characters carry 138 bits for 136.
    const seventeen = `xv2.1.${nonce}.${Buffer.alloc(17).toString("base64url")}`;
    expect(parseSealed(seventeen)).not.toBeNull();
    expect(parseSealed(`${seventeen.slice(0, -1)}B`)).toBeNull();
    // base64's alphabet decodes to the same bytes in Node.
    const dashes = `xv2.1.${nonce}.${Buffer.alloc(18, 0xfb).toString("base64url")}`;
    expect(dashes).toContain("-");
    expect(parseSealed(dashes)).not.toBeNull();
    expect(parseSealed(dashes.replace(/-/g, "+"))).toBeNull();
  });

  it("decodes exactly what the format wrote (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 999_999_999 }),
        fc.uint8Array({ minLength: 28, maxLength: 300 }),
        (version, box) => {
          const parts = parseSealed(formatSealed(version, box));
          expect(parts?.dataKeyVersion).toBe(version);
          expect(Buffer.from(parts!.box).equals(Buffer.from(box))).toBe(true);
        },
      ),
    );
  });
});

describe("aeadOpen", () => {
  it("returns null rather than throwing on a short or forged box", () => {
    const box = aeadSeal(dataKey.key, Buffer.from("x"), Buffer.from("ad"));
    expect(aeadOpen(dataKey.key, box.subarray(0, 27), Buffer.from("ad"))).toBeNull();
    expect(aeadOpen(randomBytes(32), box, Buffer.from("ad"))).toBeNull();
    expect(aeadOpen(dataKey.key, box, Buffer.from("ad"))?.toString()).toBe("x");
  });
});
