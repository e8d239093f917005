import { parseArgs } from "node:util";
import { SandboxConfigError } from "./errors";

export const usage = `Usage: npx @x/sandbox [--port 3051] [--mcp-port 3052] [--host 127.0.0.1] [--state FILE]

  --port PORT      the Attio sandbox (OAuth server, API)     env SANDBOX_PORT      default 3051
  --mcp-port PORT  the sandbox MCP server, its OAuth server  env MCP_SANDBOX_PORT  default 3052
  --host HOST      the address both listen on                env SANDBOX_HOST      default 127.0.0.1
  --state FILE     keeps clients, grants and tokens in FILE  env SANDBOX_STATE     default memory
                   so a restart keeps connections working

Port 0 picks a free port; a state file needs fixed ports (it keeps state per issuer).`;

export type CommandLine = {
  port: number;
  mcpPort: number;
  host: string;
  statePath: string | undefined;
};

/** Flags win over the environment; a bad value names the flag or the variable it came from. */
export function readCommandLine(
  args: string[],
  env: Record<string, string | undefined>,
): CommandLine | "help" {
  const { values } = (() => {
    try {
      return parseArgs({
        args,
        strict: true,
        options: {
          port: { type: "string" },
          "mcp-port": { type: "string" },
          host: { type: "string" },
          state: { type: "string" },
          help: { type: "boolean", short: "h" },
        },
      });
    } catch (error) {
      throw new SandboxConfigError((error as Error).message);
    }
  })();
  if (values.help) return "help";
  const pick = (flag: string, value: string | undefined, variable: string) =>
    value !== undefined
      ? { value, from: `--${flag}` }
      : { value: env[variable] || undefined, from: variable };
  return {
    port: readPort(pick("port", values.port, "SANDBOX_PORT"), 3051),
    mcpPort: readPort(pick("mcp-port", values["mcp-port"], "MCP_SANDBOX_PORT"), 3052),
    host: pick("host", values.host, "SANDBOX_HOST").value ?? "127.0.0.1",
    statePath: pick("state", values.state, "SANDBOX_STATE").value,
  };
}

function readPort(setting: { value: string | undefined; from: string }, fallback: number): number {
  if (setting.value === undefined) return fallback;
  const port = Number(setting.value);
  if (!/^\d+$/.test(setting.value) || port > 65535) {
    throw new SandboxConfigError(
      `${setting.from} must be an integer from 0 to 65535, got "${setting.value}"`,
    );
  }
  return port;
}
