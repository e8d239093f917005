import type { SandboxContext } from "../context";
import type { McpKnobs } from "./knobs";

/** Counters a test reads to prove what a client asked for, and how often. */
export type McpStats = {
  resourceMetadataRequests: number;
  authorizationServerMetadataRequests: number;
  registrations: number;
  clientMetadataFetches: number;
  mcpRequests: number;
  unauthorizedMcpRequests: number;
  /** Calls refused with 403 insufficient_scope (a tool the token's scopes do not cover). */
  insufficientScopeRequests: number;
};

export function createMcpStats(): McpStats {
  return {
    resourceMetadataRequests: 0,
    authorizationServerMetadataRequests: 0,
    registrations: 0,
    clientMetadataFetches: 0,
    mcpRequests: 0,
    unauthorizedMcpRequests: 0,
    insufficientScopeRequests: 0,
  };
}

/** The MCP server (resource server) and its authorization server, built once and shared. */
export type McpContext = {
  /** The authorization server: the Attio sandbox's grants, consent page and token endpoint. */
  oauth: SandboxContext;
  knobs: McpKnobs;
  stats: McpStats;
  /** "http://127.0.0.1:<port>": the resource server's origin. */
  origin: string;
  /** "/mcp": where the MCP endpoint lives. */
  mcpPath: string;
  /** The canonical MCP server URI (RFC 8707 resource, RFC 9728 `resource`). */
  resourceUrl: string;
  /** What the scope challenge and metadata name: the tool needs task:read. */
  scopes: string[];
  /** Every RFC 7591 request body received, in order, for tests to inspect. */
  registrationRequests: Record<string, unknown>[];
};
