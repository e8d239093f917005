import { describe, expect, it } from "vitest";
import { google, googleOfflineParams } from "./google";

describe("google()", () => {
  it("asks for offline access and a fresh consent, so a refresh token comes every time", () => {
    expect(googleOfflineParams()).toEqual({ access_type: "offline", prompt: "consent" });
    expect(google().authorizeParams).toEqual(googleOfflineParams());
  });

  it("is OpenID: openid scope, nonce checked, Google's exact issuer", () => {
    const provider = google();
    expect(provider.openid).toBe(true);
    expect(provider.scopes).toContain("openid");
    expect(provider.issuer).toBe("https://accounts.google.com");
    expect(provider.identity?.url).toBe("https://openidconnect.googleapis.com/v1/userinfo");
  });
});
