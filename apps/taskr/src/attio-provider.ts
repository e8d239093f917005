import { defaultSandboxClient, startSandbox } from "@x/sandbox";
import { attio, type OAuthProvider } from "@x/server";
import type { TaskrConfig } from "./config";

export type AttioSetup = {
  provider: OAuthProvider;
  apiUrl: string;
  close(): Promise<void>;
};

/**
 * Real Attio when credentials are set; otherwise the sandbox on loopback, over real HTTP, with a
 * client registered for exactly this app's redirect URI.
 */
export async function setUpAttio(config: TaskrConfig, redirectUri: string): Promise<AttioSetup> {
  if (!config.useSandbox) {
    return {
      provider: attio({
        clientId: config.ATTIO_CLIENT_ID!,
        clientSecret: config.ATTIO_CLIENT_SECRET!,
        appUrl: config.ATTIO_APP_URL,
        apiUrl: config.ATTIO_API_URL,
      }),
      apiUrl: config.ATTIO_API_URL,
      close: async () => {},
    };
  }
  const sandbox = await startSandbox({
    port: config.SANDBOX_PORT,
    clients: [{ ...defaultSandboxClient, redirectUris: [redirectUri] }],
  });
  return {
    provider: attio({
      clientId: defaultSandboxClient.clientId,
      clientSecret: defaultSandboxClient.clientSecret,
      appUrl: sandbox.url,
      apiUrl: sandbox.url,
    }),
    apiUrl: sandbox.url,
    close: () => sandbox.close(),
  };
}
