import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { api } from "../api";
import { authErrorText } from "../auth-errors";
import { useRetryWait } from "../retry-wait";
import { follow } from "../router";
import { AuthCard, PasswordField, useSignedIn } from "./auth-parts";
import { InvitedSignup } from "./invited-signup";

export function AuthPage({ mode }: { mode: "login" | "signup" }) {
  const signupMode = useQuery({
    queryKey: ["taskr", "signup-mode"],
    queryFn: api.signupMode,
    staleTime: Number.POSITIVE_INFINITY,
  });
  if (mode === "login") return <CredentialsForm mode="login" />;
  if (signupMode.isPending) return <section className="taskr-card taskr-auth">Loading…</section>;
  if (signupMode.isError) {
    return (
      <section className="taskr-card taskr-auth">
        <p role="alert" className="taskr-error">
          {signupMode.error.message}
        </p>
      </section>
    );
  }
  return signupMode.data.mode === "invite" ? <InvitedSignup /> : <CredentialsForm mode="signup" />;
}

function CredentialsForm({ mode }: { mode: "login" | "signup" }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const submit = useMutation({
    mutationFn: () =>
      mode === "signup" ? api.signup(username, password) : api.login(username, password),
    onSuccess: useSignedIn(),
  });
  const secondsLeft = useRetryWait(submit.error);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    submit.mutate();
  };
  const title = mode === "signup" ? "Sign up" : "Log in";
  return (
    <AuthCard
      title={title}
      intro={
        mode === "signup" ? (
          <>
            Create a Taskr account, then connect Attio to see your tasks.
            <span className="taskr-auth-note" data-testid="open-signup-note">
              Sandbox mode: anyone who can reach this Taskr can sign up, and the first account
              becomes the workspace's admin. Outside sandbox mode, sign-up is by invite only.
            </span>
          </>
        ) : (
          "Welcome back."
        )
      }
      footer={
        mode === "signup" ? (
          <>
            Already have an account?{" "}
            <a href="/login" onClick={follow("/login")}>
              Log in
            </a>
          </>
        ) : (
          <>
            New here?{" "}
            <a href="/signup" onClick={follow("/signup")}>
              Sign up
            </a>
          </>
        )
      }
    >
      <form onSubmit={onSubmit}>
        <label>
          Username
          <input
            name="username"
            autoComplete="username"
            required
            value={username}
            onChange={(event) => setUsername(event.target.value)}
          />
        </label>
        <PasswordField mode={mode} value={password} onChange={setPassword} />
        {submit.error ? (
          <p role="alert" className="taskr-error">
            {authErrorText(submit.error, secondsLeft)}
          </p>
        ) : null}
        <button
          type="submit"
          className="taskr-primary"
          disabled={submit.isPending || secondsLeft > 0}
        >
          {title}
        </button>
      </form>
    </AuthCard>
  );
}
