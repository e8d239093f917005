export type { HostileStats } from "./answers";
export type { HostileMcpApp, HostileMcpAppOptions } from "./app";
export { createHostileMcpApp } from "./app";
export { defaultHostileKnobs, type HostileKnobs } from "./knobs";
export { type RecordedRequest, type Recorder, startRecorder } from "./recorder";
export {
  type HostileMcpServer,
  type StartHostileMcpServerOptions,
  startHostileMcpServer,
} from "./start";
