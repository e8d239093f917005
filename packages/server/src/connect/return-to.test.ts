import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { safeReturnTo } from "./return-to";

const APP = "https://app.example";

/** Where a browser goes when the callback answers 303 with this Location. */
const destination = (location: string) => new URL(location, `${APP}/api/connections/callback`);

describe("safeReturnTo (RFC 9700 §4.11.1: the client is no open redirector)", () => {
  it.each([
    "//evil.com",
    "/\\evil.com",
    "\\\\evil.com",
    "https://evil.com",
    "http://app.example.evil.com/",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "/\t/evil.com",
    "/\n/evil.com",
    "/\r\nSet-Cookie: a=b",
    "/\u0000/evil.com",
    "/.//evil.com",
    "/..//evil.com",
    "/%2e//evil.com",
    "/a/..//evil.com",
    "settings",
    "",
  ])("refuses %j", (value) => {
    expect(safeReturnTo(value, APP)).toBeNull();
  });

  it.each([
    ["/settings", "/settings"],
    ["/settings?tab=crm#top", "/settings?tab=crm#top"],
    ["/%2F%2Fevil.com", "/%2F%2Fevil.com"],
    ["/a/../b", "/b"],
  ])("keeps the app's own path %j", (value, expected) => {
    expect(safeReturnTo(value, APP)).toBe(expected);
    expect(destination(expected).origin).toBe(APP);
  });

  it("never returns a value that leads the browser off the app's origin (property)", () => {
    const pieces = fc.constantFrom("/", "//", "\\", ".", "..", "%2e", "%2F", "evil.com", ":", "@");
    const candidate = fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 40 }),
      fc.array(pieces, { maxLength: 8 }).map((parts) => parts.join("")),
      fc.webUrl(),
    );
    fc.assert(
      fc.property(candidate, (value) => {
        const safe = safeReturnTo(value, APP);
        if (safe === null) return;
        expect(safe.startsWith("/") && !safe.startsWith("//")).toBe(true);
        expect(destination(safe).origin).toBe(APP);
      }),
      { numRuns: 2000 },
    );
  });
});
