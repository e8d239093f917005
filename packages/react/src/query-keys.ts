// The one place our cache keys are spelled, so invalidations cannot drift from the queries.
export const queryKeys = {
  all: ["x-connect"],
  providers: ["x-connect", "providers"],
  connections: ["x-connect", "connections"],
  mcpServers: ["x-connect", "mcp-servers"],
} as const;
