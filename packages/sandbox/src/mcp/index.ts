export type { McpSandboxApp, McpSandboxAppOptions } from "./app";
export { createMcpSandboxApp } from "./app";
export type { McpStats } from "./context";
export { defaultMcpKnobs, type McpKnobs } from "./knobs";
export { type McpSandbox, type StartMcpSandboxOptions, startMcpSandbox } from "./start";
