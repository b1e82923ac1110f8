import { Card } from "@/components/ui/card";
import { errorsFor, inputClass } from "@/components/ui/form-controls";
import { RATE_LIMIT_FIELDS } from "./rate-limit-fields";

/** Per-client rate limits (DOMAIN.md defaults shown as hints). */
export function RateLimitsCard({
  limits,
  setLimits,
  errors,
}: {
  limits: Record<string, string>;
  setLimits: (l: Record<string, string>) => void;
  errors: Record<string, string[]> | undefined;
}) {
  return (
    <Card title="Rate limits per client">
      <div className="grid gap-4 sm:grid-cols-3">
        {RATE_LIMIT_FIELDS.map(([key, label, hint]) => {
          const fieldErrors = errorsFor(errors, `rateLimits.${key}`);
          return (
            <div key={key}>
              <label htmlFor={`rl-${key}`} className="block text-sm font-medium">
                {label}
              </label>
              <input
                id={`rl-${key}`}
                type="number"
                min={0}
                step={1}
                className={inputClass}
                value={limits[key] ?? ""}
                onChange={(e) => setLimits({ ...limits, [key]: e.currentTarget.value })}
                aria-invalid={fieldErrors ? true : undefined}
                aria-describedby={fieldErrors ? `rl-${key}-error rl-${key}-hint` : `rl-${key}-hint`}
              />
              <p id={`rl-${key}-hint`} className="mt-1 text-xs text-muted">
                {hint}
              </p>
              {fieldErrors ? (
                <p id={`rl-${key}-error`} className="mt-1 text-xs text-red-700 dark:text-red-400">
                  {fieldErrors.join(" ")}
                </p>
              ) : null}
            </div>
          );
        })}
      </div>
    </Card>
  );
}
