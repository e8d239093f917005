import { describe, expect, it } from "vitest";
import { addressBucket, clientAddress } from "./client-address";

describe("clientAddress", () => {
  it("believes no X-Forwarded-For entry when no proxy is trusted", () => {
    expect(clientAddress("192.0.2.10", "203.0.113.5", 0)).toBe("192.0.2.10");
    expect(clientAddress("192.0.2.10", undefined, 0)).toBe("192.0.2.10");
  });

  it("takes the entry the trusted proxies appended, not what the client wrote before it", () => {
    expect(clientAddress("10.0.0.2", "203.0.113.5", 1)).toBe("203.0.113.5");
    expect(clientAddress("10.0.0.2", "198.51.100.1, 203.0.113.5", 1)).toBe("203.0.113.5");
    expect(clientAddress("10.0.0.3", "198.51.100.1, 203.0.113.5, 10.0.0.2", 2)).toBe("203.0.113.5");
    // Fewer entries than proxies: the farthest one there is.
    expect(clientAddress("10.0.0.2", undefined, 1)).toBe("10.0.0.2");
    expect(clientAddress("10.0.0.2", "203.0.113.5", 3)).toBe("203.0.113.5");
  });
});

describe("addressBucket", () => {
  it("keeps IPv4 as it is and unwraps IPv4-mapped IPv6", () => {
    expect(addressBucket("203.0.113.5")).toBe("203.0.113.5");
    expect(addressBucket("::ffff:203.0.113.5")).toBe("203.0.113.5");
  });

  it("counts an IPv6 address by its /64, however it is written", () => {
    const bucket = "2001:db8:0:1::/64";
    expect(addressBucket("2001:db8:0:1::1")).toBe(bucket);
    expect(addressBucket("2001:0DB8:0000:0001:ffff:ffff:ffff:ffff")).toBe(bucket);
    expect(addressBucket("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(addressBucket("::1")).toBe("0:0:0:0::/64");
  });
});
