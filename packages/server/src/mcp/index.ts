// `@x/server/mcp`: remote MCP servers as providers, and the MCP SDK adapters. The SDK is an
// optional peer: an app that never imports this entry never loads it.
export type { McpRequest } from "./access";
export { mcpAuthProvider, mcpServerUrl, mcpTransport } from "./adapters";
export { type McpOptions, type McpProvider, mcp } from "./provider";
