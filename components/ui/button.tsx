import type { ComponentProps, MouseEvent } from "react";

type Variant = "primary" | "secondary" | "danger" | "ghost";
const styles: Record<Variant, string> = {
  primary:
    "bg-brand-600 text-white hover:bg-brand-700 disabled:bg-brand-600/50 aria-disabled:bg-brand-600/60 aria-disabled:hover:bg-brand-600/60",
  secondary:
    "border border-slate-300 bg-white text-slate-800 hover:bg-slate-100 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100 dark:hover:bg-slate-800",
  danger:
    "bg-red-600 text-white hover:bg-red-700 disabled:bg-red-600/50 aria-disabled:bg-red-700/80 aria-disabled:hover:bg-red-700/80",
  ghost: "text-slate-700 hover:bg-slate-100 dark:text-slate-200 dark:hover:bg-slate-800",
};

/**
 * `pending`: the action is running. The button stays focusable (aria-disabled, not disabled: Chromium blurs a
 * focused button that becomes disabled and focus falls to <body>) and ignores clicks and form submission.
 */
export function Button({
  variant = "primary",
  className = "",
  pending = false,
  onClick,
  ...props
}: ComponentProps<"button"> & { variant?: Variant; pending?: boolean }) {
  const click = (e: MouseEvent<HTMLButtonElement>) => {
    if (pending) {
      e.preventDefault(); // also stops a type=submit button from submitting again
      return;
    }
    onClick?.(e);
  };
  return (
    <button
      type="button"
      aria-disabled={pending || undefined}
      {...props}
      onClick={pending || onClick ? click : undefined}
      className={`inline-flex items-center justify-center gap-2 rounded-md px-3 py-2 text-sm font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500 focus-visible:ring-offset-2 disabled:cursor-not-allowed aria-disabled:cursor-progress dark:focus-visible:ring-offset-slate-900 ${styles[variant]} ${className}`}
    />
  );
}
