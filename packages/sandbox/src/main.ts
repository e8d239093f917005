import { defaultSandboxClient } from "./clients";
import { readCommandLine, usage } from "./command-line";
import { SandboxConfigError } from "./errors";
import { startMcpSandbox } from "./mcp";
import { startSandbox } from "./start";

/** `npx @x/sandbox`: the Attio sandbox and the sandbox MCP server, until Ctrl-C. */
const options = (() => {
  try {
    return readCommandLine(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof SandboxConfigError)) throw error;
    console.error(`${error.message}\n\n${usage}`);
    process.exit(1);
  }
})();
if (options === "help") {
  console.log(usage);
  process.exit(0);
}

const startFailed = (what: string, port: number, setting: string) => (error: unknown) => {
  const { code, message } = error as NodeJS.ErrnoException;
  const reason =
    code === "EADDRINUSE" ? `port ${port} is already in use (${setting} picks another)` : message;
  console.error(`The ${what} could not start: ${reason}`);
  process.exit(1);
};

const { host, statePath } = options;
const sandbox = await startSandbox({ port: options.port, host, statePath }).catch(
  startFailed("Attio sandbox", options.port, "--port or SANDBOX_PORT"),
);
const mcp = await startMcpSandbox({ port: options.mcpPort, host, statePath }).catch(
  async (error: unknown) => {
    await sandbox.close();
    return startFailed(
      "sandbox MCP server",
      options.mcpPort,
      "--mcp-port or MCP_SANDBOX_PORT",
    )(error);
  },
);
console.log(`Attio sandbox listening on ${sandbox.url}`);
console.log(`  metadata      ${sandbox.url}/.well-known/oauth-authorization-server`);
console.log(`  client_id     ${defaultSandboxClient.clientId}`);
console.log(`  client_secret ${defaultSandboxClient.clientSecret}`);
console.log(`Sandbox MCP server at ${mcp.url}`);
console.log(
  statePath
    ? `State kept in ${statePath}`
    : "State in memory only (--state FILE keeps connections working across restarts)",
);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void Promise.all([sandbox.close(), mcp.close()]).then(() => process.exit(0));
  });
}
