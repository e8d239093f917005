import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { api } from "../api";
import { authErrorText } from "../auth-errors";
import { useRetryWait } from "../retry-wait";
import { follow } from "../router";
import { AuthCard, PasswordField, useSignedIn } from "./auth-parts";

/** `#invite=` of an admin's link: a fragment, so the code is never sent to any server. */
const inviteInAddress = () =>
  new URLSearchParams(window.location.hash.slice(1)).get("invite") ?? "";

/** Drops the code from the address bar once read: history and shoulders need not keep it. */
function clearInviteFromAddress() {
  history.replaceState(history.state, "", window.location.pathname + window.location.search);
}

/**
 * Sign-up outside sandbox mode: the invite code first (from the link, or pasted), then the
 * password for the username the admin chose, which the server names once the code is valid.
 */
export function InvitedSignup() {
  const [arrivedWith] = useState(inviteInAddress);
  const [code, setCode] = useState(arrivedWith);
  const [password, setPassword] = useState("");
  const lookup = useMutation({ mutationFn: (invite: string) => api.lookupInvite(invite.trim()) });
  const submit = useMutation({
    mutationFn: () => api.signupWithInvite(code.trim(), password),
    onSuccess: useSignedIn(),
  });
  const error = submit.error ?? lookup.error;
  const secondsLeft = useRetryWait(error);
  const invited = lookup.data;
  const { mutate: lookUp } = lookup;
  useEffect(() => {
    // A link carries its code: say whom it is for without another click.
    if (!arrivedWith) return;
    clearInviteFromAddress();
    lookUp(arrivedWith);
  }, [arrivedWith, lookUp]);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (invited) submit.mutate();
    else lookup.mutate(code);
  };
  return (
    <AuthCard
      title="Sign up"
      intro="Taskr is by invite only. Open the invite link your admin sent you, or paste its code."
      footer={
        <>
          Already have an account?{" "}
          <a href="/login" onClick={follow("/login")}>
            Log in
          </a>
        </>
      }
    >
      <form onSubmit={onSubmit}>
        {invited ? (
          <>
            <p data-testid="invited-as">
              You are joining Taskr as <strong>{invited.username}</strong>.{" "}
              <button
                type="button"
                className="taskr-link"
                onClick={() => {
                  lookup.reset();
                  submit.reset();
                }}
              >
                Use another invite
              </button>
            </p>
            {/* For password managers: the account this password belongs to. */}
            <input
              name="username"
              autoComplete="username"
              value={invited.username}
              readOnly
              hidden
            />
            <PasswordField mode="signup" value={password} onChange={setPassword} />
          </>
        ) : (
          <label>
            Invite code
            <input
              name="invite"
              autoComplete="off"
              required
              value={code}
              onChange={(event) => setCode(event.target.value)}
            />
          </label>
        )}
        {error ? (
          <p role="alert" className="taskr-error">
            {authErrorText(error, secondsLeft)}
          </p>
        ) : null}
        <button
          type="submit"
          className="taskr-primary"
          disabled={lookup.isPending || submit.isPending || secondsLeft > 0}
        >
          {invited ? "Sign up" : "Continue"}
        </button>
      </form>
    </AuthCard>
  );
}
