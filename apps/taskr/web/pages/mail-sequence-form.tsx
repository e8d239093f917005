import { useMutation } from "@tanstack/react-query";
import { isConnectionRequired, SecretForm } from "@x/react";
import { type FormEvent, useState } from "react";
import { type ApiError, api } from "../api";
import { follow } from "../router";

/**
 * POST /api/sequences with a prospect's e-mail. Without a saved key the server answers
 * connection_required, which becomes a prompt to add the key right here.
 */
export function MailSequenceForm() {
  const [email, setEmail] = useState("");
  const enroll = useMutation<Awaited<ReturnType<typeof api.enroll>>, ApiError, string>({
    mutationFn: api.enroll,
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    enroll.mutate(email);
  };
  return (
    <>
      <form className="taskr-row taskr-inline-form" onSubmit={onSubmit}>
        <label>
          Prospect e-mail
          <input
            name="email"
            type="email"
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
        </label>
        <button type="submit" className="taskr-primary" disabled={enroll.isPending}>
          Add to mail sequence
        </button>
      </form>
      {enroll.data ? (
        <p role="status" className="taskr-success">
          Added {enroll.data.enrolled} to sequence {enroll.data.sequenceId}
          {enroll.data.authorized ? ", authorized with your saved API key." : "."}
        </p>
      ) : null}
      {isConnectionRequired(enroll.error) ? (
        <div role="alert" className="taskr-connect taskr-stack" data-testid="sequencer-key-prompt">
          <p>
            Add your mail sequencing API key to enrol prospects. It is kept encrypted on Taskr's
            server; you can also manage it on the{" "}
            <a href="/connections" onClick={follow("/connections")}>
              Connections
            </a>{" "}
            page.
          </p>
          <SecretForm
            provider="mail-sequencer"
            label="API key"
            className="taskr-row"
            onSuccess={() => enroll.mutate(email)}
          />
        </div>
      ) : enroll.error ? (
        <p role="alert" className="taskr-error">
          {enroll.error.message}
        </p>
      ) : null}
    </>
  );
}
