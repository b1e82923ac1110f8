import "server-only";
import { createHash } from "node:crypto";
import type { ConfigDocument } from "@/lib/schemas/config-document";
import { type DiffEntry, diffJson } from "../config/diff";
import { type Db, db, type Tx } from "../db";
import { BUILT_IN_RULES, type DesiredState, desiredStateOf } from "./desired";
import { documentOf } from "./export";
import { type CurrentState, readState } from "./state";
import { ruleKey } from "./views";

/**
 * Plan: the exact changes that applying a document would make, per object (create, update, delete, and
 * publish when asked), each update with its field diffs. The plan id hashes the current state and the
 * desired one: apply recomputes it inside its transaction and refuses a plan made against another state.
 */
export type ObjectType = "idp_profile" | "resource" | "alert_rule" | "alert_channel";
export interface PlanChange {
  type: ObjectType;
  /** The object's name (alert rules: kind/reason/resource). */
  name: string;
  /** `archive`: a live resource left out of the document (deny-all bundle; deleting it stays a dashboard step). */
  action: "create" | "update" | "delete" | "archive" | "publish";
  /** Field diffs: every field of a create or delete, the changed fields of an update. */
  changes: DiffEntry[];
}
export interface ConfigPlan {
  planId: string;
  changes: PlanChange[];
  summary: { create: number; update: number; delete: number; archive: number; publish: number };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const join = (path: string, key: string) =>
  /^[A-Za-z_$][\w$]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;

/** Every field of a created or deleted object, one entry per leaf (lists of named objects keyed by name, as diffs are). */
function fieldsOf(value: unknown, kind: "added" | "removed", path = "", out: DiffEntry[] = []): DiffEntry[] {
  if (isObject(value) && Object.keys(value).length > 0)
    for (const [k, v] of Object.entries(value)) fieldsOf(v, kind, join(path, k), out);
  else if (Array.isArray(value) && value.length > 0 && value.every((x) => isObject(x) && typeof x.name === "string"))
    for (const x of value as { name: string }[]) fieldsOf(x, kind, `${path}[${x.name}]`, out);
  else out.push(kind === "added" ? { path, kind, after: value } : { path, kind, before: value });
  return out;
}

function compare<V>(
  type: ObjectType,
  current: Map<string, { view: V }>,
  desired: Map<string, V> | null,
  opts: { deletes: boolean; keep?: Set<string> } = { deletes: true },
): PlanChange[] {
  if (!desired) return [];
  const out: PlanChange[] = [];
  for (const [name, want] of desired) {
    const have = current.get(name);
    if (!have) {
      out.push({ type, name, action: "create", changes: fieldsOf(want, "added") });
      continue;
    }
    const changes = diffJson(have.view, want);
    if (changes.length) out.push({ type, name, action: "update", changes });
  }
  if (opts.deletes)
    for (const [name, have] of current)
      if (!desired.has(name) && !opts.keep?.has(name))
        out.push({ type, name, action: "delete", changes: fieldsOf(have.view, "removed") });
  return out;
}

/** Resources to publish: those the apply creates or changes, those on a changed IdP profile, and drafts not yet published. */
function publishes(state: CurrentState, desired: DesiredState, changes: PlanChange[]): PlanChange[] {
  const touched = new Set(changes.filter((c) => c.type === "resource" && c.action !== "archive").map((c) => c.name));
  const idpsChanged = new Set(
    changes.filter((c) => c.type === "idp_profile" && c.action === "update").map((c) => c.name),
  );
  const names = desired.resources ? [...desired.resources.keys()] : [...state.resources.keys()];
  const out: PlanChange[] = [];
  for (const name of names) {
    const now = state.resources.get(name);
    const idp = desired.resources?.get(name)?.view.idpProfile ?? now?.view.idpProfile ?? "";
    if (touched.has(name) || idpsChanged.has(idp) || now?.unpublishedChanges)
      out.push({
        type: "resource",
        name,
        action: "publish",
        changes: [
          {
            path: "version",
            kind: now?.publishedVersion ? "changed" : "added",
            before: now?.publishedVersion ?? undefined,
            after: (now?.publishedVersion ?? 0) + 1,
          },
        ],
      });
  }
  return out;
}

export interface PlanOptions {
  publish: boolean;
  /** false: objects the document leaves out are kept (no delete, no archive): a partial document adds and changes only. */
  prune: boolean;
}

export function planOf(state: CurrentState, desired: DesiredState, opts: PlanOptions): ConfigPlan {
  const { publish, prune } = opts;
  const changes = [
    ...compare("idp_profile", state.idps, desired.idps, { deletes: prune }),
    // A live resource is never deleted from a file: it is archived (enforcers refuse every request), reversibly.
    ...compare(
      "resource",
      state.resources,
      desired.resources ? new Map([...desired.resources].map(([k, v]) => [k, v.view])) : null,
      { deletes: prune },
    ).map((c): PlanChange => (c.action === "delete" ? { ...c, action: "archive" } : c)),
    ...compare("alert_rule", state.rules, desired.rules, { deletes: prune, keep: BUILT_IN_RULES }),
    // Channels hold secrets: the document tunes existing ones, never creates or deletes them.
    ...compare("alert_channel", state.channels, desired.channels, { deletes: false }),
  ];
  if (publish) changes.push(...publishes(state, desired, changes));
  const count = (a: PlanChange["action"]) => changes.filter((c) => c.action === a).length;
  const planId = createHash("sha256")
    .update(JSON.stringify({ current: relevantState(state, desired, opts), desired: serializeDesired(desired), opts }))
    .digest("hex");
  return {
    planId,
    changes,
    summary: {
      create: count("create"),
      update: count("update"),
      delete: count("delete"),
      archive: count("archive"),
      publish: count("publish"),
    },
  };
}

/**
 * The part of the current state a plan depends on (its id hashes it): a pruning section entirely; otherwise only
 * the objects the document names (and, to publish without a resources section, every resource). So a partial
 * document's plan stays valid while unrelated objects change, and goes stale when anything it relies on does.
 */
function relevantState(state: CurrentState, desired: DesiredState, opts: PlanOptions) {
  const doc = documentOf(state);
  const pick = <T>(all: T[], names: Map<string, unknown> | null, keyOf: (x: T) => string, whole: boolean) =>
    names === null ? (whole ? all : []) : opts.prune ? all : all.filter((x) => names.has(keyOf(x)));
  const name = (x: unknown) => (x as { name: string }).name;
  return {
    idps: pick(doc.idpProfiles, desired.idps, name, false),
    resources: pick(doc.resources, desired.resources, name, opts.publish),
    rules: pick(doc.alertRules, desired.rules, (x) => ruleKey(x as { kind: string }), false),
    channels: pick(doc.alertChannels, desired.channels, name, false),
    archived: [...state.archived.keys()],
  };
}

function serializeDesired(d: DesiredState) {
  const list = <V>(m: Map<string, V> | null) => (m ? [...m.values()] : null);
  return {
    idps: list(d.idps),
    resources: d.resources ? [...d.resources.values()].map((r) => r.view) : null,
    rules: list(d.rules),
    channels: list(d.channels),
  };
}

export async function planConfig(doc: ConfigDocument, opts: PlanOptions, client: Db | Tx = db()): Promise<ConfigPlan> {
  const state = await readState(client);
  return planOf(state, desiredStateOf(doc, state, opts.prune), opts);
}
