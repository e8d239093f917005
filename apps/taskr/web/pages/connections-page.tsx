import {
  ConnectButton,
  type ConnectButtonState,
  type ConnectError,
  ConnectionList,
  SecretForm,
} from "@x/react";
import type { User } from "../api";
import { useReportConnect } from "../notices";
import { InviteForm } from "./invite-form";

const workspaceLabel = (state: ConnectButtonState) =>
  state === "connecting"
    ? "Connecting…"
    : state === "needs_reconnect"
      ? "Reconnect Attio for the whole workspace"
      : "Connect Attio for the whole workspace";

export function ConnectionsPage({ user }: { user: User }) {
  const report = useReportConnect();
  const isAdmin = user.role === "admin";
  return (
    <section className="taskr-card">
      <h1>Connections</h1>
      <p className="taskr-muted">
        Accounts Taskr may use on your behalf. Tokens stay on Taskr's server, encrypted; this page
        never sees them.
      </p>
      <ConnectionList
        className="taskr-connections"
        // Members see the workspace's connections but only an admin may change them.
        canManage={(connection) => connection.visibility === "user" || isAdmin}
      />
      <h2>Attio for the whole workspace</h2>
      {isAdmin ? (
        <div className="taskr-connect">
          <p>
            Members without their own Attio connection use the workspace's. Your own connection
            stays yours.
          </p>
          <ConnectButton
            provider="attio"
            visibility="workspace"
            className="taskr-primary"
            onSuccess={() => report({ status: "success", provider: "attio" })}
            onError={(error: ConnectError) =>
              report({ status: "error", provider: "attio", code: error.code })
            }
          >
            {workspaceLabel}
          </ConnectButton>
        </div>
      ) : (
        <p className="taskr-muted">
          An admin can connect Attio for everyone; you then see the workspace's tasks until you
          connect your own account.
        </p>
      )}
      {isAdmin ? <InviteForm /> : null}
      <h2>Mail sequencing API key</h2>
      <p className="taskr-muted">Paste the API key of your mail sequencing tool.</p>
      <SecretForm provider="mail-sequencer" label="API key" className="taskr-row" />
    </section>
  );
}
