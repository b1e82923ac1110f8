"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/card";
import { useLiveFieldErrors } from "@/components/ui/live-field-errors";
import { useDirtyState, useUnsavedChangesWarning } from "@/components/ui/unsaved-changes";
import { deriveBaselineScopes } from "@/lib/enforcer/policy";
import { type ResourceDraft, UpdatePolicyInput } from "@/lib/schemas/resources";
import { updatePolicyAction } from "../../../actions";
import { type MethodRow, MethodsCard } from "./methods-card";
import { RateLimitsCard } from "./rate-limits-card";
import { ScopesCard } from "./scopes-card";
import { StepUpCard, type StepUpValues } from "./step-up-card";

const words = (t: string) => t.split(/[\s,]+/).filter(Boolean);

/** Scopes, method → required scopes (any of), rate limits; saved together into the draft. */
export function PolicyEditor({
  resourceId,
  draft,
}: {
  resourceId: string;
  draft: Pick<
    ResourceDraft,
    "scopes" | "methods" | "rateLimits" | "baselineScopes" | "toolsNeedingScope" | "tools" | "unlistedTools"
  >;
}) {
  const router = useRouter();
  const [scopes, setScopes] = useState(draft.scopes);
  const [methods, setMethods] = useState<MethodRow[]>(
    Object.entries(draft.methods).map(([method, r]) => ({
      method,
      anyOf: r.anyOf.join(" "),
      enabled: r.enabled !== false,
    })),
  );
  const [limits, setLimits] = useState(
    Object.fromEntries(Object.entries(draft.rateLimits).map(([k, v]) => [k, String(v)])),
  );
  const [stepUp, setStepUp] = useState<StepUpValues>({
    baselineScopes: draft.baselineScopes.join(" "),
    toolsNeedingScope: draft.toolsNeedingScope,
  });
  const methodRules = Object.fromEntries(
    methods.map((m) => [m.method, { anyOf: words(m.anyOf), ...(m.enabled ? {} : { enabled: false }) }]),
  );
  const derivedBaseline = deriveBaselineScopes({
    methods: methodRules,
    tools: draft.tools,
    unlistedTools: draft.unlistedTools,
  });
  const [result, setResult] = useState<Awaited<ReturnType<typeof updatePolicyAction>> | null>(null);
  const [pending, start] = useTransition();
  const input = {
    id: resourceId,
    scopes,
    methods: methodRules,
    // An emptied limit falls back to its default (the hint says which), never to 0.
    rateLimits: Object.fromEntries(
      Object.entries(limits).map(([k, v]) => [k, v.trim() === "" ? undefined : Number(v)]),
    ),
    baselineScopes: words(stepUp.baselineScopes),
    toolsNeedingScope: stepUp.toolsNeedingScope,
  };
  // Issue 13 #6: leaving with unsaved edits asks first (tabs, navigation, reload).
  const { dirty, markSaved } = useDirtyState(input);
  useUnsavedChangesWarning(dirty);
  // Each field error sits by its row and clears as soon as that field is fixed (issue 13 #11).
  const errors = useLiveFieldErrors(UpdatePolicyInput, input, result && !result.ok ? result : null);

  const save = () =>
    start(async () => {
      const res = await updatePolicyAction(input);
      setResult(res);
      if (res.ok) {
        markSaved();
        router.refresh();
      }
    });

  return (
    <div className="space-y-6">
      <ScopesCard scopes={scopes} setScopes={setScopes} errors={errors} />
      <MethodsCard methods={methods} setMethods={setMethods} errors={errors} />
      <StepUpCard values={stepUp} setValues={setStepUp} derivedBaseline={derivedBaseline} errors={errors} />
      <RateLimitsCard limits={limits} setLimits={setLimits} errors={errors} />
      <div className="flex items-center gap-3">
        <Button onClick={save} disabled={pending}>
          {pending ? "Saving…" : "Save policy"}
        </Button>
        {result?.ok ? <Notice tone="success">Policy saved to the draft. Publish to apply it.</Notice> : null}
        {result && !result.ok ? <Notice tone="error">{result.error.message}</Notice> : null}
      </div>
    </div>
  );
}
