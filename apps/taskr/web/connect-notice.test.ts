import { ConnectError } from "@x/client";
import { describe, expect, it } from "vitest";
import { connectNotice, outcomeOfRedirect } from "./connect-notice";

const listed = [{ name: "attio", displayName: "Attio" }];

describe("connectNotice", () => {
  it("says access was not granted when the user pressed Deny", () => {
    expect(
      connectNotice({ status: "error", provider: "attio", code: "consent_denied" }, listed),
    ).toMatchObject({
      tone: "error",
      text: expect.stringMatching(/^Attio access was not granted/),
    });
  });

  it("confirms a success", () => {
    expect(connectNotice({ status: "success", provider: "attio" }, listed)).toEqual({
      tone: "success",
      text: "Attio connected.",
    });
  });

  it("answers a code it does not know with its own words, never the code", () => {
    const crafted = "Your account is locked, call +1 555 0100";
    expect(connectNotice({ status: "error", provider: "attio", code: crafted }, listed)?.text).toBe(
      "Connecting Attio failed. Please try again.",
    );
  });

  it("shows nothing for a provider the server does not list, whatever the status", () => {
    const crafted = "Attio suspended you: call +1 555 0100";
    expect(connectNotice({ status: "success", provider: crafted }, listed)).toBeNull();
    expect(
      connectNotice({ status: "error", provider: crafted, code: "consent_denied" }, listed),
    ).toBeNull();
    expect(connectNotice({ status: "success", provider: "attio" }, [])).toBeNull();
  });
});

describe("outcomeOfRedirect", () => {
  it("reads the redirect result's code", () => {
    const error = new ConnectError("consent_denied", "consent_denied", { provider: "attio" });
    expect(outcomeOfRedirect({ status: "error", provider: "attio", error })).toEqual({
      status: "error",
      provider: "attio",
      code: "consent_denied",
    });
    expect(outcomeOfRedirect({ status: "success", provider: "attio" })).toEqual({
      status: "success",
      provider: "attio",
    });
    expect(outcomeOfRedirect(null)).toBeNull();
  });
});
