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
        {RATE_LIMIT_FIELDS.map(([key, label, hint]) => (
          <div key={key}>
            <label htmlFor={`rl-${key}`} className="block text-sm font-medium">
              {label}
            </label>
            <input
              id={`rl-${key}`}
              type="number"
              min={0}
              className={inputClass}
              value={limits[key] ?? ""}
              onChange={(e) => setLimits({ ...limits, [key]: e.currentTarget.value })}
              aria-invalid={errorsFor(errors, `rateLimits.${key}`) ? true : undefined}
            />
            <p className="mt-1 text-xs text-muted">{errorsFor(errors, `rateLimits.${key}`)?.join(" ") ?? hint}</p>
          </div>
        ))}
      </div>
    </Card>
  );
}
