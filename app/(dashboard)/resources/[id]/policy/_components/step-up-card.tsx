import { Card } from "@/components/ui/card";
import { errorsFor, inputClass } from "@/components/ui/form-controls";
import type { ResourceDraft } from "@/lib/schemas/resources";

/** The two choices the editor holds for this card. */
export interface StepUpValues {
  /** Space-separated; empty means derived at publish. */
  baselineScopes: string;
  toolsNeedingScope: ResourceDraft["toolsNeedingScope"];
}

/**
 * Sign-in and step-up (issue 20): the baseline scopes every 401 names, and whether tools/list shows the enabled
 * tools a token lacks scopes for (a host only calls tools it was shown; the 403 on the call starts the step-up).
 */
export function StepUpCard({
  values,
  setValues,
  derivedBaseline,
  errors,
}: {
  values: StepUpValues;
  setValues: (v: StepUpValues) => void;
  derivedBaseline: string[];
  errors: Record<string, string[]> | undefined;
}) {
  const baselineErrors = errorsFor(errors, "baselineScopes");
  const derived = derivedBaseline.join(" ") || "no scope";
  return (
    <Card title="Sign-in and step-up">
      <div className="grid gap-6 sm:grid-cols-2">
        <div>
          <label htmlFor="baseline-scopes" className="block text-sm font-medium">
            Baseline scopes
          </label>
          <input
            id="baseline-scopes"
            className={`${inputClass} font-mono`}
            value={values.baselineScopes}
            placeholder={derived}
            onChange={(e) => setValues({ ...values, baselineScopes: e.currentTarget.value })}
            aria-invalid={baselineErrors ? true : undefined}
            aria-describedby="baseline-scopes-hint"
          />
          <p id="baseline-scopes-hint" className="mt-1 text-xs text-muted">
            {baselineErrors ? (
              <span className="text-red-600 dark:text-red-400">{baselineErrors.join(" ")} </span>
            ) : null}
            Sent as <code>scope</code> on every 401: clients sign in with these first and step up later. Leave empty for
            what tools/list and the tools without scopes of their own need (now: <code>{derived}</code>).
          </p>
        </div>
        <fieldset>
          <legend className="block text-sm font-medium">Tools that need more scope than the token has</legend>
          {(
            [
              ["show", "Show in tools/list (a client can call one and step up on the 403)"],
              ["hide", "Hide from tools/list"],
            ] as const
          ).map(([value, label]) => (
            <label key={value} className="mt-2 flex items-start gap-2 text-sm">
              <input
                type="radio"
                name="tools-needing-scope"
                value={value}
                checked={values.toolsNeedingScope === value}
                onChange={() => setValues({ ...values, toolsNeedingScope: value })}
                className="mt-1"
              />
              <span>{label}</span>
            </label>
          ))}
          <p className="mt-1 text-xs text-muted">Disabled and unlisted tools are always hidden.</p>
        </fieldset>
      </div>
    </Card>
  );
}
