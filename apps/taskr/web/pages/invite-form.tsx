import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { type ApiError, api, type Invite } from "../api";

/**
 * An admin invites someone by the username they will have: the server answers a one-time link
 * (valid for seven days, replaced by inviting the same name again) that is shown only here.
 */
export function InviteForm() {
  const signupMode = useQuery({
    queryKey: ["taskr", "signup-mode"],
    queryFn: api.signupMode,
    staleTime: Number.POSITIVE_INFINITY,
  });
  const [username, setUsername] = useState("");
  const create = useMutation<{ invite: Invite }, ApiError, string>({
    mutationFn: api.createInvite,
  });
  if (signupMode.data?.mode !== "invite") return null;
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(username);
  };
  const invite = create.data?.invite;
  return (
    <>
      <h2>Invite a teammate</h2>
      <p className="taskr-muted">
        Sign-up is by invite only. Choose their username; send them the link, which works once.
      </p>
      <form className="taskr-row taskr-inline-form" onSubmit={onSubmit}>
        <label>
          Their username
          <input
            name="invite-username"
            autoComplete="off"
            required
            value={username}
            onChange={(event) => setUsername(event.target.value)}
          />
        </label>
        <button type="submit" className="taskr-primary" disabled={create.isPending}>
          Create invite
        </button>
      </form>
      {invite ? (
        <div role="status" className="taskr-invite" data-testid="invite-link">
          <p>
            Send this link to <strong>{invite.username}</strong>. It works once, until{" "}
            {new Date(invite.expiresAt).toLocaleString()}; inviting {invite.username} again replaces
            it.
          </p>
          <input
            aria-label="Invite link"
            readOnly
            value={invite.url}
            onFocus={(event) => event.target.select()}
          />
        </div>
      ) : null}
      {create.error ? (
        <p role="alert" className="taskr-error">
          {create.error.message}
        </p>
      ) : null}
    </>
  );
}
