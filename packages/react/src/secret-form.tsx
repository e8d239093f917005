import type { Connection, Visibility } from "@x/client";
import { useId } from "react";
import { useProvider, useSaveSecret } from "./hooks";

export type SecretFormProps = {
  provider: string;
  visibility?: Visibility;
  name?: string;
  label?: string;
  onSuccess?: (connection: Connection) => void;
  className?: string;
};

/**
 * Uncontrolled on purpose: the secret never enters React state, so it is never rendered
 * back; the form is reset once the server has answered.
 */
export const SecretForm = ({
  provider,
  visibility,
  name,
  label,
  onSuccess,
  className,
}: SecretFormProps) => {
  const inputId = useId();
  const save = useSaveSecret();
  const displayName = useProvider(provider)?.displayName ?? provider;

  return (
    <form
      className={className}
      data-x-connect="secret-form"
      data-state={save.status}
      onSubmit={(event) => {
        event.preventDefault();
        const form = event.currentTarget;
        const secret = String(new FormData(form).get("secret") ?? "");
        form.reset();
        save.mutate({ provider, secret, visibility, name }, { onSuccess });
      }}
    >
      <label htmlFor={inputId}>{label ?? `${displayName} API key`}</label>
      <input id={inputId} name="secret" type="password" autoComplete="off" required />
      <button type="submit" aria-busy={save.isPending || undefined} disabled={save.isPending}>
        Save
      </button>
      {save.error && <p role="alert">{save.error.message}</p>}
      {save.isSuccess && <p role="status">Saved</p>}
    </form>
  );
};
