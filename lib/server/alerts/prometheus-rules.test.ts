import { describe, expect, it, vi } from "vitest";
import { parse } from "yaml";

// Hoisted: /api/metrics reads METRICS_TOKEN from the environment, parsed when first used.
vi.hoisted(() => {
  process.env.METRICS_TOKEN = "prometheus-rules-test-token";
});

const { GET: metricsRoute } = await import("@/app/api/metrics/route");
const { createEnforcerMetrics } = await import("@/lib/enforcer");
const { createTestResource, testActor } = await import("../telemetry/test-fixtures");
const { buildPrometheusRules } = await import("./prometheus-rules");
const { createRule, ensureDefaultAlertRules, listRules, updateRule } = await import("./rules");

const ctx = { requestId: "prom-rules", ip: null };
const typeNames = (exposition: string) => new Set([...exposition.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1] ?? ""));

interface RuleFile {
  groups: { name: string; rules: { alert: string; expr: string; for: string; labels: Record<string, string> }[] }[];
}

describe("Prometheus rule file (GET /api/v1/alerts/prometheus-rules)", () => {
  it("every rule's expression names only metrics that /api/metrics or the enforcer expose", async () => {
    await ensureDefaultAlertRules();
    const { resourceId } = await createTestResource();
    await createRule(
      testActor,
      {
        kind: "auth_failures",
        reason: "",
        resourceId,
        threshold: 5,
        windowMin: 5,
        forMin: 1,
        resolveMin: 2,
        renotifyMin: 0,
        enabled: true,
        channelIds: [],
      },
      ctx,
    );
    // Every kind on, so every expression is checked.
    for (const r of (await listRules()).filter((r) => !r.resourceId && !r.enabled))
      await updateRule(testActor, r.id, { enabled: true }, ctx);
    const yaml = buildPrometheusRules(await listRules());
    const file = parse(yaml) as RuleFile;
    const rules = file.groups[0]?.rules ?? [];
    expect(rules.length).toBeGreaterThanOrEqual(10);
    expect(yaml).toMatch(
      /# Not expressible .*enforcer_stale_config.*credential_expiring|credential_expiring.*enforcer_stale_config/,
    );

    const res = await metricsRoute(
      new Request("http://127.0.0.1/api/metrics", { headers: { authorization: "Bearer prometheus-rules-test-token" } }),
    );
    expect(res.status).toBe(200);
    const exposed = typeNames(await res.text());
    const enforcer = typeNames(createEnforcerMetrics().render());
    for (const r of rules) {
      expect(r.for).toMatch(/^\d+m$/);
      expect(["info", "warning", "critical"]).toContain(r.labels.severity);
      const names = [...r.expr.matchAll(/\b((?:portcullis|mcp)_[a-z0-9_]+)/g)].map((m) =>
        (m[1] ?? "").replace(/_(bucket|sum|count)$/, ""),
      );
      expect(names.length, r.expr).toBeGreaterThan(0);
      for (const n of names) expect(exposed.has(n) || enforcer.has(n), `${r.alert}: ${n} in ${r.expr}`).toBe(true);
    }
    // The fleet rule leaves the overridden resource to its override.
    const fleet = rules.find(
      (r) => r.labels.portcullis_kind === "auth_failures" && !r.labels.resource_id && !r.alert.includes("_"),
    );
    expect(fleet?.expr).toMatch(new RegExp(`resource_id!~"[^"]*${resourceId}`));
    const override = rules.find((r) => r.labels.resource_id === resourceId);
    expect(override?.expr).toContain(`resource_id="${resourceId}"`);
    expect(override?.expr).toMatch(/> 5$/);
  });
});
