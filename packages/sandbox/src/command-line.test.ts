import { describe, expect, it } from "vitest";
import { readCommandLine } from "./command-line";

describe("readCommandLine", () => {
  it("defaults to the demo's ports on loopback, in memory", () => {
    expect(readCommandLine([], {})).toEqual({
      port: 3051,
      mcpPort: 3052,
      host: "127.0.0.1",
      statePath: undefined,
    });
  });

  it("reads the environment, and flags win over it", () => {
    const env = { SANDBOX_PORT: "4001", MCP_SANDBOX_PORT: "4002", SANDBOX_STATE: "env.json" };
    expect(readCommandLine([], env)).toMatchObject({ port: 4001, mcpPort: 4002 });
    expect(readCommandLine(["--port", "0", "--host", "::1", "--state", "flag.json"], env)).toEqual({
      port: 0,
      mcpPort: 4002,
      host: "::1",
      statePath: "flag.json",
    });
  });

  it("names the flag or the variable a bad port came from", () => {
    expect(() => readCommandLine(["--mcp-port", "80a"], {})).toThrow(/--mcp-port .*"80a"/);
    expect(() => readCommandLine([], { SANDBOX_PORT: "70000" })).toThrow(/SANDBOX_PORT/);
    expect(() => readCommandLine(["--prot", "1"], {})).toThrow(/--prot/);
  });

  it("answers --help", () => {
    expect(readCommandLine(["--help"], {})).toBe("help");
  });
});
