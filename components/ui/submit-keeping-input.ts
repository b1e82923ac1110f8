import { type FormEvent, startTransition } from "react";

/**
 * An onSubmit handler that runs a `useActionState` action WITHOUT React's automatic form reset.
 * Passed as `<form action={…}>`, React 19 clears every uncontrolled field once the action returns,
 * even when it returns an error (invalid input, a conflict, `database_unavailable`, `storage_full`),
 * so the user would type everything again. Forms clear themselves on success instead.
 *
 * @example
 * <form ref={formRef} onSubmit={submitKeepingInput(formAction)}>…</form>
 */
export function submitKeepingInput(action: (data: FormData) => void) {
  return (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // With the submitter, so a named button (e.g. "Publish anyway", name=confirm) is part of the data.
    const data = new FormData(event.currentTarget, (event.nativeEvent as SubmitEvent).submitter);
    startTransition(() => action(data));
  };
}
