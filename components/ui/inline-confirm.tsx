"use client";

import { type ReactNode, useRef, useState, useTransition } from "react";
import { Button } from "./button";
import { StatusLine, useFocusNext } from "./focus-management";

export type ConfirmOutcome = {
  ok: boolean;
  /** Announced in the status line beside the control. */
  message: string;
  /** Where focus goes next when the opener is gone (its replacement); default: the opener. */
  focus?: () => HTMLElement | null | undefined;
};

/**
 * An action behind an inline confirmation, with the shared focus pattern: opening moves focus to the
 * confirm button; Cancel or Escape closes and returns focus to the opener; after the action the result is
 * announced (role=status) and focus returns to the opener, or to its replacement when the caller says so.
 *
 * @example
 * <InlineConfirm label="Revoke" openerLabel="Revoke ci-runner" question="Revoke ci-runner now?"
 *   confirmLabel="Confirm revoke" pendingLabel="Revoking…" onConfirm={async () => ({ ok: true, message: "Revoked." })} />
 */
export function InlineConfirm({
  label,
  openerLabel,
  openerVariant = "secondary",
  question,
  confirmLabel,
  pendingLabel,
  confirmVariant = "danger",
  onConfirm,
  disabled,
}: {
  label: string;
  /** The opener's accessible name, when the visible label needs its object ("Revoke ci-runner"). */
  openerLabel?: string;
  openerVariant?: "primary" | "secondary" | "danger" | "ghost";
  question: ReactNode;
  confirmLabel: string;
  pendingLabel: string;
  confirmVariant?: "primary" | "danger";
  onConfirm: () => Promise<ConfirmOutcome>;
  disabled?: boolean;
}) {
  const [open, setOpen] = useState(false);
  const [outcome, setOutcome] = useState<ConfirmOutcome>();
  const [pending, start] = useTransition();
  const opener = useRef<HTMLButtonElement>(null);
  const confirm = useRef<HTMLButtonElement>(null);
  const focusNext = useFocusNext();
  const close = () => {
    setOpen(false);
    focusNext(() => opener.current);
  };
  return (
    <div className="flex flex-wrap items-center gap-2">
      {open ? (
        <fieldset
          className="flex flex-wrap items-center gap-2"
          onKeyDown={(e) => {
            if (e.key === "Escape" && !pending) {
              e.preventDefault();
              close();
            }
          }}
        >
          <legend className="sr-only">{typeof question === "string" ? question : confirmLabel}</legend>
          <span className="text-sm">{question}</span>
          <Button
            ref={confirm}
            variant={confirmVariant}
            pending={pending}
            onClick={() =>
              start(async () => {
                const result = await onConfirm();
                setOutcome(result);
                setOpen(false);
                focusNext(result.focus ?? (() => opener.current));
              })
            }
          >
            {pending ? pendingLabel : confirmLabel}
          </Button>
          <Button variant="ghost" onClick={close} pending={pending}>
            Cancel
          </Button>
        </fieldset>
      ) : (
        <Button
          ref={opener}
          variant={openerVariant}
          aria-label={openerLabel}
          disabled={disabled}
          onClick={() => {
            setOutcome(undefined);
            setOpen(true);
            focusNext(() => confirm.current);
          }}
        >
          {label}
        </Button>
      )}
      <StatusLine tone={outcome?.ok === false ? "error" : "success"} className="text-xs">
        {outcome?.message}
      </StatusLine>
    </div>
  );
}
