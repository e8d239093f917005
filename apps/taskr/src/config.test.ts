import { describe, expect, it } from "vitest";
import { readConfig } from "./config";

describe("readConfig", () => {
  it("starts on the sandbox with private MCP addresses refused", () => {
    expect(readConfig({})).toMatchObject({
      useSandbox: true,
      mcpAllowPrivateNetwork: false,
      MCP_SANDBOX_PORT: 3052,
      baseUrl: "http://localhost:3050",
    });
  });

  it("allows private MCP addresses only when asked, and names a bad value", () => {
    expect(readConfig({ MCP_ALLOW_PRIVATE_NETWORK: "true" }).mcpAllowPrivateNetwork).toBe(true);
    expect(() => readConfig({ MCP_ALLOW_PRIVATE_NETWORK: "yes" })).toThrow(
      /MCP_ALLOW_PRIVATE_NETWORK/,
    );
  });

  it("needs both Attio credentials or neither", () => {
    expect(() => readConfig({ ATTIO_CLIENT_ID: "id" })).toThrow(/ATTIO_CLIENT_SECRET/);
    expect(readConfig({ ATTIO_CLIENT_ID: "id", ATTIO_CLIENT_SECRET: "s" }).useSandbox).toBe(false);
  });

  const attio = { ATTIO_CLIENT_ID: "id", ATTIO_CLIENT_SECRET: "s" };
  const code = "0123456789abcdef0123456789abcdef01234567";

  it("opens sign-up in sandbox mode only; elsewhere it is by invite", () => {
    expect(readConfig({}).signupMode).toBe("open");
    expect(readConfig(attio)).toMatchObject({ signupMode: "invite", firstAdmin: undefined });
    expect(
      readConfig({ ...attio, TASKR_ADMIN_USERNAME: "root", TASKR_ADMIN_INVITE: code }).firstAdmin,
    ).toEqual({ username: "root", code });
  });

  it("needs both first-admin settings or neither, outside sandbox mode, and never prints the code", () => {
    const problems = [
      { ...attio, TASKR_ADMIN_INVITE: code },
      { ...attio, TASKR_ADMIN_USERNAME: "root" },
      { TASKR_ADMIN_USERNAME: "root", TASKR_ADMIN_INVITE: code },
      { ...attio, TASKR_ADMIN_USERNAME: "root", TASKR_ADMIN_INVITE: `${code} ` },
      { ...attio, TASKR_ADMIN_USERNAME: "Root!", TASKR_ADMIN_INVITE: code },
    ];
    const messages = problems.map((env) => {
      try {
        readConfig(env);
        return "started";
      } catch (error) {
        return (error as Error).message;
      }
    });
    expect(messages[0]).toMatch(/TASKR_ADMIN_USERNAME and TASKR_ADMIN_INVITE/);
    expect(messages[1]).toMatch(/TASKR_ADMIN_USERNAME and TASKR_ADMIN_INVITE/);
    expect(messages[2]).toMatch(/outside sandbox mode/);
    expect(messages[3]).toMatch(/TASKR_ADMIN_INVITE: 32 to 64/);
    expect(messages[4]).toMatch(/TASKR_ADMIN_USERNAME: 3 to 32/);
    expect(messages.join("\n")).not.toContain(code);
    expect(() =>
      readConfig({ ...attio, TASKR_ADMIN_USERNAME: "root", TASKR_ADMIN_INVITE: "short" }),
    ).toThrow(/TASKR_ADMIN_INVITE/);
  });

  it("believes no X-Forwarded-For unless TRUST_PROXY names how many proxies", () => {
    expect(readConfig({}).TRUST_PROXY).toBe(0);
    expect(readConfig({ TRUST_PROXY: "1" }).TRUST_PROXY).toBe(1);
    for (const value of ["true", "-1", "1.5"]) {
      expect(() => readConfig({ TRUST_PROXY: value })).toThrow(/TRUST_PROXY: /);
    }
  });
});
