import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConnectionsError } from "../shared/errors";
import { signWebhook, verifyWebhookSignature } from "./signature";

const SECRET = "whsec_test_0123456789abcdef";
const BODY = '{"type":"connection.created"}';
const NOW = 1_800_000_000;
const mac = (timestamp: number | string) =>
  createHmac("sha256", SECRET).update(`${timestamp}.${BODY}`).digest("hex");
const verify = (header: string, options: { toleranceSeconds?: number; now?: number } = {}) =>
  verifyWebhookSignature(SECRET, BODY, header, { now: NOW, ...options });

describe("verifyWebhookSignature", () => {
  it("accepts our own signature within the tolerance", () => {
    expect(verify(signWebhook(SECRET, BODY, NOW - 299))).toBe(true);
    expect(verify(signWebhook(SECRET, BODY, NOW), { toleranceSeconds: 0 })).toBe(true);
  });

  it("refuses a signature older or newer than the tolerance", () => {
    expect(verify(signWebhook(SECRET, BODY, NOW - 301))).toBe(false);
    expect(verify(signWebhook(SECRET, BODY, NOW + 301))).toBe(false);
    expect(verify(signWebhook(SECRET, BODY, NOW - 1), { toleranceSeconds: 0 })).toBe(false);
  });

  it.each([
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["a negative number", -1],
  ])("throws invalid_options for a tolerance of %s instead of accepting any age", (_, value) => {
    const old = signWebhook(SECRET, BODY, NOW - 10 * 365 * 24 * 3600);
    const call = () => verify(old, { toleranceSeconds: value });
    expect(call).toThrow(ConnectionsError);
    expect(call).toThrow(expect.objectContaining({ code: "invalid_options" }));
  });

  it("throws invalid_options for a now that is not a number, and for an empty secret", () => {
    const header = signWebhook(SECRET, BODY, NOW);
    expect(() => verify(header, { now: Number.NaN })).toThrow(
      expect.objectContaining({ code: "invalid_options" }),
    );
    expect(() => verifyWebhookSignature("", BODY, signWebhook("", BODY))).toThrow(
      expect.objectContaining({ code: "invalid_options" }),
    );
  });

  it.each([
    ["a second v1 after the real one", `t=${NOW},v1=${mac(NOW)},v1=${"0".repeat(64)}`],
    ["a second v1 before the real one", `t=${NOW},v1=${"0".repeat(64)},v1=${mac(NOW)}`],
    ["a second t", `t=${NOW},t=${NOW},v1=${mac(NOW)}`],
    ["an unknown field", `t=${NOW},v1=${mac(NOW)},v0=abc`],
    ["non-hex text after the mac", `t=${NOW},v1=${mac(NOW)}zz`],
    ["hex after the mac", `t=${NOW},v1=${mac(NOW)}00`],
    ["an upper-case mac", `t=${NOW},v1=${mac(NOW).toUpperCase()}`],
    ["a short mac", `t=${NOW},v1=${mac(NOW).slice(0, 62)}`],
    ["a space after the comma", `t=${NOW}, v1=${mac(NOW)}`],
    ["a timestamp in exponent form", `t=1.8e9,v1=${mac("1.8e9")}`],
    ["a signed timestamp", `t=+${NOW},v1=${mac(`+${NOW}`)}`],
    ["no t", `v1=${mac(NOW)}`],
    ["no v1", `t=${NOW}`],
    ["a field with no =", `t=${NOW},v1`],
    ["an empty header", ""],
  ])("refuses %s", (_, header) => {
    expect(verify(header)).toBe(false);
  });

  it("refuses a missing header, another body and another secret", () => {
    const header = signWebhook(SECRET, BODY, NOW);
    expect(verifyWebhookSignature(SECRET, BODY, undefined, { now: NOW })).toBe(false);
    expect(verifyWebhookSignature(SECRET, `${BODY} `, header, { now: NOW })).toBe(false);
    expect(verifyWebhookSignature("whsec_another", BODY, header, { now: NOW })).toBe(false);
  });
});
