import { prometheusRulesFile } from "@/lib/server/alerts/prometheus-rules";
import { withAdmin } from "@/lib/server/api";

/** The enabled alert rules as a Prometheus rule file (YAML), for Alertmanager users. */
export const GET = withAdmin(
  "alerts.read",
  async () =>
    new Response(await prometheusRulesFile(), {
      headers: {
        "content-type": "application/yaml; charset=utf-8",
        "content-disposition": 'attachment; filename="portcullis-alerts.rules.yml"',
        "cache-control": "no-store",
      },
    }),
);
