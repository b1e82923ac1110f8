"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";
import { ErrorSummary, StatusLine, useFocusNext } from "@/components/ui/focus-management";
import { Checkbox, errorsFor, TextArea } from "@/components/ui/form-controls";
import { useDirtyState, useUnsavedChangesWarning } from "@/components/ui/unsaved-changes";
import { AsymmetricAlg } from "@/lib/enforcer/policy";
import { normalizeResourceUri } from "@/lib/schemas/resource-uri";
import { createResourceAction, updateResourceAction } from "../actions";
import { audienceHint, audienceSuggestions } from "./audience-suggestions";

export interface ProfileOption {
  id: string;
  name: string;
  kind: "entra" | "okta" | "auth0" | "oidc";
}
export interface ResourceFormValues {
  name: string;
  uri: string;
  idpProfileId: string;
  audiences: string;
  algorithms: string[];
  clockToleranceSec: string;
  maxTokenLifetimeSec: string;
  documentationUrl: string;
  allowedOrigins: string;
}

const LABELS = {
  name: "Name",
  uri: "Resource URI",
  idpProfileId: "IdP profile",
  audiences: "Accepted audiences",
  algorithms: "Allowed algorithms",
  clockToleranceSec: "Clock skew",
  maxTokenLifetimeSec: "Max token lifetime",
  documentationUrl: "Documentation URL",
  allowedOrigins: "Allowed browser origins",
};

const lines = (t: string) =>
  t
    .split("\n")
    .map((s) => s.trim())
    .filter(Boolean);

/** Register a resource or edit its settings (name, URI, IdP, audiences, token checks, origins). */
export function ResourceForm({
  profiles,
  initial,
  resourceId,
}: {
  profiles: ProfileOption[];
  initial: ResourceFormValues;
  resourceId?: string;
}) {
  const router = useRouter();
  const [v, setV] = useState(initial);
  // Issue 13 #6: leaving with unsaved edits asks first.
  const { dirty, markSaved } = useDirtyState(v);
  useUnsavedChangesWarning(dirty);
  const set = (patch: Partial<ResourceFormValues>) => setV((cur) => ({ ...cur, ...patch }));
  const [state, setState] = useState<
    Awaited<ReturnType<typeof updateResourceAction>> | Awaited<ReturnType<typeof createResourceAction>> | null
  >(null);
  const [pending, start] = useTransition();
  const focusNext = useFocusNext();
  const profile = profiles.find((p) => p.id === v.idpProfileId);
  const norm = v.uri.trim() ? normalizeResourceUri(v.uri) : null;
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    start(async () => {
      const payload = {
        name: v.name,
        uri: v.uri,
        idpProfileId: v.idpProfileId,
        audiences: lines(v.audiences),
        algorithms: v.algorithms,
        clockToleranceSec: v.clockToleranceSec,
        maxTokenLifetimeSec: v.maxTokenLifetimeSec,
        documentationUrl: v.documentationUrl,
        allowedOrigins: lines(v.allowedOrigins),
      };
      const result = resourceId
        ? await updateResourceAction({ id: resourceId, ...payload })
        : await createResourceAction(payload);
      setState(result);
      if (result.ok) {
        markSaved();
        if (resourceId) router.refresh();
        else {
          // The next step is on the new resource's page: focus its heading once it has arrived.
          const path = `/resources/${result.data.id}`;
          router.push(path);
          focusNext(() => (location.pathname === path ? document.querySelector("h1") : null));
        }
      }
    });
  };
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form
      onSubmit={submit}
      className="space-y-4"
      aria-label={resourceId ? "Resource settings" : "Register resource"}
      noValidate
    >
      <StatusLine>{state?.ok && resourceId ? "Settings saved to the draft. Publish to apply them." : null}</StatusLine>
      <ErrorSummary failure={state && !state.ok ? state : null} labels={LABELS} />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          label="Name"
          name="name"
          value={v.name}
          onChange={(e) => set({ name: e.currentTarget.value })}
          errors={errors?.name}
          required
          maxLength={100}
          placeholder="files"
        />
        <SelectField
          label="IdP profile"
          name="idpProfileId"
          value={v.idpProfileId}
          onChange={(e) => set({ idpProfileId: e.currentTarget.value })}
          errors={errors?.idpProfileId}
          required
        >
          {profiles.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name} ({p.kind})
            </option>
          ))}
        </SelectField>
      </div>
      <TextField
        label="Resource URI"
        name="uri"
        value={v.uri}
        onChange={(e) => set({ uri: e.currentTarget.value })}
        errors={errors?.uri}
        required
        placeholder="https://mcp.example.com/mcp"
        hint={
          norm ? (
            norm.ok ? (
              <>
                Canonical (RFC 8707): <code>{norm.uri}</code>
              </>
            ) : (
              norm.error
            )
          ) : (
            "The MCP server’s URL as clients use it; it is the RFC 9728 resource identifier."
          )
        }
      />
      <div>
        <TextArea
          label="Accepted audiences"
          name="audiences"
          value={v.audiences}
          onChange={(e) => set({ audiences: e.currentTarget.value })}
          errors={errorsFor(errors, "audiences")}
          required
          hint={`One per line, matched exactly. ${audienceHint(profile?.kind)}`}
        />
        {profile && !v.audiences.trim() ? (
          <Button
            variant="ghost"
            className="mt-1 text-xs"
            onClick={() => set({ audiences: audienceSuggestions(profile.kind, norm?.ok ? norm.uri : "").join("\n") })}
          >
            Prefill suggestions for {profile.kind}
          </Button>
        ) : null}
      </div>
      <fieldset id="algorithms">
        <legend className="text-sm font-medium text-slate-700 dark:text-slate-300">Allowed algorithms</legend>
        <div className="mt-1 flex flex-wrap gap-4">
          {AsymmetricAlg.options.map((alg) => (
            <Checkbox
              key={alg}
              label={alg}
              checked={v.algorithms.includes(alg)}
              onChange={(on) =>
                set({ algorithms: on ? [...v.algorithms, alg] : v.algorithms.filter((a) => a !== alg) })
              }
            />
          ))}
        </div>
        {errorsFor(errors, "algorithms") ? (
          <p className="mt-1 text-xs text-red-600 dark:text-red-400">{errorsFor(errors, "algorithms")?.join(" ")}</p>
        ) : null}
      </fieldset>
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          label="Clock skew (seconds)"
          name="clockToleranceSec"
          type="number"
          min={0}
          max={300}
          value={v.clockToleranceSec}
          onChange={(e) => set({ clockToleranceSec: e.currentTarget.value })}
          errors={errors?.clockToleranceSec}
          hint="Leeway for exp, nbf and iat. Default 30."
        />
        <TextField
          label="Max token lifetime (seconds)"
          name="maxTokenLifetimeSec"
          type="number"
          min={0}
          value={v.maxTokenLifetimeSec}
          onChange={(e) => set({ maxTokenLifetimeSec: e.currentTarget.value })}
          errors={errors?.maxTokenLifetimeSec}
          hint="Refuse tokens whose exp − iat is longer. Default 86400 (one day); 0 = no limit; 900 = 15 min."
        />
        <TextField
          label="Documentation URL"
          name="documentationUrl"
          value={v.documentationUrl}
          onChange={(e) => set({ documentationUrl: e.currentTarget.value })}
          errors={errors?.documentationUrl}
          placeholder="https://docs.example.com/mcp"
        />
        <TextArea
          label="Allowed browser origins"
          name="allowedOrigins"
          rows={2}
          value={v.allowedOrigins}
          onChange={(e) => set({ allowedOrigins: e.currentTarget.value })}
          errors={errorsFor(errors, "allowedOrigins")}
          hint="One per line. Empty: requests with an Origin header are refused."
        />
      </div>
      <Button type="submit" pending={pending}>
        {pending ? "Saving…" : resourceId ? "Save settings" : "Register resource"}
      </Button>
    </form>
  );
}
