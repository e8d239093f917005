import { describe, expect, it } from "vitest";
import {
  assertFetchable,
  checkEndpointUrl,
  defaultOutboundPolicy,
  isPublicAddress,
  pinnedLookup,
} from "./outbound";

describe("isPublicAddress (SSRF guard: only global unicast)", () => {
  it.each([
    // IPv4 special-use ranges (RFC 6890 and its successors).
    "0.0.0.0",
    "10.1.2.3",
    "100.64.0.1",
    "127.0.0.1",
    "169.254.169.254",
    "172.16.0.1",
    "192.0.0.1",
    "192.0.2.1",
    "192.88.99.1",
    "192.168.0.1",
    "198.18.0.1",
    "198.51.100.1",
    "203.0.113.1",
    "224.0.0.1",
    "240.0.0.1",
    "255.255.255.255",
    // IPv6 special-use ranges, and every form that embeds an IPv4 address.
    "::",
    "::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::10.0.0.1",
    "::ffff:0:a00:1",
    "64:ff9b::a00:1",
    "64:ff9b:1::a00:1",
    "2002:a00:1::1",
    "2001::1",
    "2001:db8::1",
    "fc00::1",
    "fd00::1",
    "fe80::1",
    "fec0::1",
    "ff02::1",
    "100::1",
    // Unallocated, outside global unicast (2000::/3), though no named special block.
    "4000::1",
    "e000::1",
    "not an address",
  ])("refuses %s", (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(["93.184.216.34", "8.8.8.8", "2606:2800:220:1::1", "::ffff:93.184.216.34"])(
    "lets the public address %s through (an IPv4-mapped one is checked as IPv4)",
    (address) => {
      expect(isPublicAddress(address)).toBe(true);
    },
  );
});

describe("assertFetchable", () => {
  const refusal = (url: string) =>
    assertFetchable(new URL(url), defaultOutboundPolicy).then(
      () => null,
      (error: Error & { code: string }) => ({
        code: error.code,
        message: error.message.replace(url.split("/")[2]!, "<host>"),
      }),
    );

  it("answers a private address and a name that does not resolve alike, so internal names cannot be mapped", async () => {
    const privateAnswer = await refusal("https://10.0.0.1/mcp");
    const unresolved = await refusal("https://does-not-exist.invalid/mcp");
    expect(privateAnswer).toMatchObject({ code: "unsafe_url" });
    expect(unresolved).toEqual(privateAnswer);
  });

  it.each([
    "https://[::ffff:127.0.0.1]/",
    "https://[64:ff9b::7f00:1]/",
    "https://[2002:7f00:1::1]/",
  ])("refuses %s, whose embedded IPv4 address is internal", async (url) => {
    await expect(assertFetchable(new URL(url), defaultOutboundPolicy)).rejects.toMatchObject({
      code: "unsafe_url",
    });
  });
});

describe("checkEndpointUrl", () => {
  it.each([
    "javascript:alert(1)",
    "data:text/html,x",
    "file:///etc/passwd",
    "http://as.example/token",
    "https://user:pass@as.example/token",
    "/relative",
  ])("refuses %s from someone else's metadata", (value) => {
    expect(() => checkEndpointUrl(value, defaultOutboundPolicy, "the endpoint")).toThrow(
      expect.objectContaining({ code: "unsafe_url" }),
    );
  });

  it("takes https, and http only on an origin the policy relaxes", () => {
    expect(checkEndpointUrl("https://as.example/token", defaultOutboundPolicy, "x").href).toBe(
      "https://as.example/token",
    );
    const relaxed = {
      ...defaultOutboundPolicy,
      allowedOrigins: new Set(["http://127.0.0.1:3052"]),
    };
    expect(checkEndpointUrl("http://127.0.0.1:3052/token", relaxed, "x").origin).toBe(
      "http://127.0.0.1:3052",
    );
    expect(() => checkEndpointUrl("http://127.0.0.1:3053/token", relaxed, "x")).toThrow(
      expect.objectContaining({ code: "unsafe_url" }),
    );
  });
});

describe("pinnedLookup (the address check at connect time, against DNS rebinding)", () => {
  const resolve = (hostname: string, all: boolean) =>
    new Promise<{ error: Error | null; address: unknown }>((done) =>
      pinnedLookup(hostname, { all }, (error, address) => done({ error, address })),
    );

  it("refuses a name that resolves to a loopback or private address when the socket opens", async () => {
    for (const all of [false, true]) {
      const { error } = await resolve("localhost", all);
      expect(error).toMatchObject({ code: "unsafe_url" });
    }
  });
});
