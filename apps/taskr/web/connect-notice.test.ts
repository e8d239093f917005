import { ConnectError } from "@x/client";
import { describe, expect, it } from "vitest";
import { connectNotice, outcomeOfRedirect } from "./connect-notice";

describe("connectNotice", () => {
  it("says access was not granted when the user pressed Deny", () => {
    expect(
      connectNotice({ status: "error", provider: "attio", code: "consent_denied" }, "Attio"),
    ).toMatchObject({
      tone: "error",
      text: expect.stringMatching(/^Attio access was not granted/),
    });
  });

  it("confirms a success", () => {
    expect(connectNotice({ status: "success", provider: "attio" }, "Attio")).toEqual({
      tone: "success",
      text: "Attio connected.",
    });
  });

  it("falls back to the server's message, then to a generic one", () => {
    const unknown = { status: "error", provider: "attio", code: "teapot" } as const;
    expect(connectNotice({ ...unknown, message: "Short and stout" }, "Attio").text).toBe(
      "Short and stout",
    );
    expect(connectNotice(unknown, "Attio").text).toBe("Connecting Attio failed. Please try again.");
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
