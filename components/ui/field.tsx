import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";
import { LengthLimit } from "./length-limit";

const control =
  "mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-brand-500 focus:outline-none focus:ring-1 focus:ring-brand-500 aria-[invalid=true]:border-red-500 dark:border-slate-700 dark:bg-slate-900";

interface FieldProps {
  label: string;
  name: string;
  errors?: string[] | undefined;
  hint?: ReactNode;
}

/**
 * The one form-field frame: label (with a visible marker when required), the control, its hint and its
 * errors. The hint stays visible beside an error, and both are tied to the control by aria-describedby.
 */
function FieldFrame({
  id,
  label,
  required,
  hint,
  errors,
  maxLength,
  children,
}: {
  id: string;
  label: string;
  required?: boolean | undefined;
  hint?: ReactNode;
  errors?: string[] | undefined;
  maxLength?: number | undefined;
  children: (describedBy: string | undefined, invalid: true | undefined) => ReactNode;
}) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = errors?.length ? `${id}-error` : undefined;
  const limitId = maxLength ? `${id}-limit` : undefined;
  const describedBy = [errorId, hintId, limitId].filter(Boolean).join(" ") || undefined;
  return (
    <div>
      {/* The marker sits beside the label, not in it: the field's name stays exactly the label (the
          `required` attribute tells assistive technology). */}
      <div className="flex items-baseline gap-0.5">
        <label htmlFor={id} className="block text-sm font-medium text-slate-700 dark:text-slate-300">
          {label}
        </label>
        {required ? (
          <span aria-hidden className="text-sm text-red-700 dark:text-red-400">
            *
          </span>
        ) : null}
      </div>
      {children(describedBy, errorId ? true : undefined)}
      {maxLength ? <LengthLimit forId={id} max={maxLength} /> : null}
      {hint ? (
        <p id={hintId} className="mt-1 text-xs text-slate-600 dark:text-slate-400">
          {hint}
        </p>
      ) : null}
      {errorId ? (
        <p id={errorId} className="mt-1 text-xs text-red-700 dark:text-red-400">
          {errors?.join(" ")}
        </p>
      ) : null}
    </div>
  );
}

/** A labelled input with its hint and field error announced (aria-describedby). */
export function TextField({
  label,
  name,
  errors,
  hint,
  maxLength,
  ...props
}: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  const id = props.id ?? name;
  // The limit is shown, never enforced by cutting (issue 13 #12): the server refuses an over-long value.
  return (
    <FieldFrame
      id={id}
      label={label}
      required={props.required}
      hint={hint}
      errors={errors}
      // A password's length is not worth a counter on screen; the server still refuses an over-long one.
      maxLength={props.type === "password" ? undefined : maxLength}
    >
      {(describedBy, invalid) => (
        <input
          id={id}
          name={name}
          aria-invalid={invalid}
          aria-describedby={describedBy}
          className={control}
          {...props}
        />
      )}
    </FieldFrame>
  );
}

/** A labelled select with its hint and field error announced (aria-describedby). */
export function SelectField({
  label,
  name,
  errors,
  hint,
  children,
  ...props
}: FieldProps & SelectHTMLAttributes<HTMLSelectElement>) {
  const id = props.id ?? name;
  return (
    <FieldFrame id={id} label={label} required={props.required} hint={hint} errors={errors}>
      {(describedBy, invalid) => (
        <select
          id={id}
          name={name}
          aria-invalid={invalid}
          aria-describedby={describedBy}
          className={control}
          {...props}
        >
          {children}
        </select>
      )}
    </FieldFrame>
  );
}

/** A labelled monospace textarea with its hint and field error announced (aria-describedby). */
export function TextAreaField({
  label,
  name,
  errors,
  hint,
  maxLength,
  ...props
}: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = props.id ?? name;
  return (
    <FieldFrame id={id} label={label} required={props.required} hint={hint} errors={errors} maxLength={maxLength}>
      {(describedBy, invalid) => (
        <textarea
          id={id}
          name={name}
          aria-invalid={invalid}
          aria-describedby={describedBy}
          className={`${control} font-mono`}
          {...props}
        />
      )}
    </FieldFrame>
  );
}
