import { describe, expect, it } from "vitest";
import { SandboxConfigError } from "./errors";
import { applyKnobs, createKnobs, defaultKnobs, parseKnobsPatch } from "./knobs";

describe("knobs", () => {
  it("starts from the documented defaults", () => {
    expect(createKnobs()).toEqual({
      latencyMs: 0,
      accessTokenTtlSeconds: 3600,
      issueRefreshToken: true,
      rotateRefreshToken: true,
      sendIssuer: true,
      tokenEndpointAuth: "any",
      failNextToken: null,
      tokenResponseExtras: {},
      tokenResponseShape: "standard",
      returnScope: true,
    });
    expect(createKnobs()).not.toBe(defaultKnobs);
  });

  it("names the knob that is wrong", () => {
    expect(() => parseKnobsPatch({ latencyMs: -1 })).toThrow(/latencyMs/);
    expect(() => parseKnobsPatch({ accessTokenTtlSeconds: 1.5 })).toThrow(/accessTokenTtlSeconds/);
    expect(() => parseKnobsPatch({ tokenEndpointAuth: "none" })).toThrow(/tokenEndpointAuth/);
    expect(() => parseKnobsPatch({ failNextToken: { status: 99 } })).toThrow(/failNextToken/);
    expect(() => parseKnobsPatch({ tokenResponseShape: "github" })).toThrow(/tokenResponseShape/);
    expect(() => parseKnobsPatch({ tokenResponseExtras: [] })).toThrow(/tokenResponseExtras/);
    expect(() => parseKnobsPatch({ latency: 5 })).toThrow(SandboxConfigError);
    expect(() => createKnobs({ sendIssuer: "yes" as unknown as boolean })).toThrow(/sendIssuer/);
  });

  it("applies a patch in place", () => {
    const knobs = createKnobs();
    applyKnobs(knobs, { accessTokenTtlSeconds: null, failNextToken: { status: 503 } });
    expect(knobs.accessTokenTtlSeconds).toBeNull();
    expect(knobs.failNextToken).toEqual({ status: 503 });
    expect(knobs.latencyMs).toBe(0);
  });
});
