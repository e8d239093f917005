import { ConnectionList, SecretForm } from "@x/react";
export function ConnectionsPage() {
  return (
    <section className="taskr-card">
      <h1>Connections</h1>
      <p className="taskr-muted">
        Accounts Taskr may use on your behalf. Tokens stay on Taskr's server, encrypted; this page
        never sees them.
      </p>
      <ConnectionList />
      <h2>Mail sequencing API key</h2>
      <p className="taskr-muted">Paste the API key of your mail sequencing tool.</p>
      <SecretForm provider="mail-sequencer" />
    </section>
  );
}
