import { z } from "zod";
import type { SignupMode } from "./auth/sign-in";

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
  /** Outside sandbox mode: the first admin's username and the invite code they sign up with. */
  TASKR_ADMIN_USERNAME: z
    .string()
    .regex(/^[a-z0-9_.-]{3,32}$/, "3 to 32 lower-case letters, digits, dots, dashes or underscores")
    .optional(),
  TASKR_ADMIN_INVITE: z
    .string()
    .regex(
      /^[A-Za-z0-9_-]{32,64}$/,
      "32 to 64 letters, digits, dashes or underscores (make one with: openssl rand -hex 24)",
    )
    .optional(),
  /** How many proxies in front of Taskr append to X-Forwarded-For; 0 (believe none) by default. */
  TRUST_PROXY: z.coerce
    .number({ error: "the number of proxies in front of Taskr, 0 when there are none" })
    .int("the number of proxies in front of Taskr, 0 when there are none")
    .min(0, "the number of proxies in front of Taskr, 0 when there are none")
    .max(10, "at most 10 proxies")
    .default(0),
});

export type TaskrConfig = z.infer<typeof schema> & {
  baseUrl: string;
  useSandbox: boolean;
  mcpAllowPrivateNetwork: boolean;
  signupMode: SignupMode;
  /** Set outside sandbox mode until Taskr has an admin (see armFirstAdminInvite). */
  firstAdmin: { username: string; code: string } | undefined;
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
  if (Boolean(config.TASKR_ADMIN_USERNAME) !== Boolean(config.TASKR_ADMIN_INVITE)) {
    throw new Error(
      "Taskr cannot start: set both TASKR_ADMIN_USERNAME and TASKR_ADMIN_INVITE for the first admin, or neither",
    );
  }
  const useSandbox = !config.ATTIO_CLIENT_ID;
  if (useSandbox && config.TASKR_ADMIN_USERNAME) {
    throw new Error(
      "Taskr cannot start: TASKR_ADMIN_USERNAME and TASKR_ADMIN_INVITE make the first admin outside sandbox mode; in sandbox mode sign-up is open and the first to sign up is the admin. Unset them, or set ATTIO_CLIENT_ID and ATTIO_CLIENT_SECRET",
    );
  }
  return {
    ...config,
    baseUrl: config.BASE_URL ?? `http://localhost:${config.PORT}`,
    useSandbox,
    // Off unless asked for: users name these URLs, and the server fetches them (SSRF). The
    // sandbox MCP server is let through by its exact origin instead.
    mcpAllowPrivateNetwork: config.MCP_ALLOW_PRIVATE_NETWORK === "true",
    // Open sign-up puts anyone who reaches Taskr into its one workspace, next to the admin's
    // Attio connection: acceptable only for the offline demo.
    signupMode: useSandbox ? "open" : "invite",
    firstAdmin:
      config.TASKR_ADMIN_USERNAME && config.TASKR_ADMIN_INVITE
        ? { username: config.TASKR_ADMIN_USERNAME, code: config.TASKR_ADMIN_INVITE }
        : undefined,
  };
}
