import { z } from "zod";

const schema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3050),
  BASE_URL: z.url().optional(),
  DATA_DIR: z.string().min(1).default(".data"),
  ATTIO_CLIENT_ID: z.string().min(1).optional(),
  ATTIO_CLIENT_SECRET: z.string().min(1).optional(),
  ATTIO_APP_URL: z.url().default("https://app.attio.com"),
  ATTIO_API_URL: z.url().default("https://api.attio.com"),
  SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(3051),
  /** The sandbox MCP server (offered on the MCP servers page), started with the Attio sandbox. */
  MCP_SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(3052),
  /** Lets users add MCP servers on any loopback or private address (intranets); default false. */
  MCP_ALLOW_PRIVATE_NETWORK: z.enum(["true", "false"]).optional(),
});

export type TaskrConfig = z.infer<typeof schema> & {
  baseUrl: string;
  useSandbox: boolean;
  mcpAllowPrivateNetwork: boolean;
};

/** Read once at start; a bad value stops the start with the variable's name and the problem. */
export function readConfig(env: Record<string, string | undefined>): TaskrConfig {
  const parsed = schema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, value]) => value !== "")),
  );
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join(".")}: ${issue.message}`,
    );
    throw new Error(`Taskr cannot start, fix the environment:\n  ${problems.join("\n  ")}`);
  }
  const config = parsed.data;
  if (Boolean(config.ATTIO_CLIENT_ID) !== Boolean(config.ATTIO_CLIENT_SECRET)) {
    throw new Error(
      "Taskr cannot start: set both ATTIO_CLIENT_ID and ATTIO_CLIENT_SECRET for real Attio, or neither for the sandbox",
    );
  }
  return {
    ...config,
    baseUrl: config.BASE_URL ?? `http://localhost:${config.PORT}`,
    useSandbox: !config.ATTIO_CLIENT_ID,
    // Off unless asked for: users name these URLs, and the server fetches them (SSRF). The
    // sandbox MCP server is let through by its exact origin instead.
    mcpAllowPrivateNetwork: config.MCP_ALLOW_PRIVATE_NETWORK === "true",
  };
}
