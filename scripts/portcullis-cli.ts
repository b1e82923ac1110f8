/**
 * `npm run portcullis -- export|plan|apply …`: configuration as code from a terminal or CI, over the admin
 * API with an API token (`Authorization: Bearer pcl_api_…`). No browser, no database access.
 *
 *   export [-o portcullis.yaml] [--format yaml|json]   write the control plane's configuration
 *   plan   -f portcullis.yaml [--publish] [--no-prune] [--detailed-exitcode]   show what apply would change
 *   apply  -f portcullis.yaml [--publish] [--no-prune] [--note "…"]   plan, then apply exactly that plan in one transaction
 *
 * --no-prune: objects the file leaves out are kept (a partial file only adds and changes).
 *
 * --url (or PORTCULLIS_URL) and --token (or PORTCULLIS_TOKEN) say where and as whom. Exit codes: 0 done,
 * 1 an error (bad document, refused, unreachable), 2 with --detailed-exitcode when the plan has changes.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { formatError, formatPlan, type Plan } from "./cli/format-plan";

const USAGE = `usage: npm run portcullis -- <export|plan|apply> [-f file] [-o file] [--format yaml|json]
       [--publish] [--no-prune] [--note text] [--detailed-exitcode] --url https://portcullis.example.com --token pcl_api_…`;

class CliError extends Error {}

async function call(base: string, token: string, path: string, init: RequestInit = {}): Promise<Response> {
  const url = new URL(path, base.endsWith("/") ? base : `${base}/`);
  let res: Response;
  try {
    res = await fetch(url, {
      ...init,
      headers: { authorization: `Bearer ${token}`, ...(init.body ? { "content-type": "application/json" } : {}) },
      signal: AbortSignal.timeout(120_000),
    });
  } catch (err) {
    throw new CliError(`Cannot reach ${url.origin}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!res.ok) {
    const text = await res.text();
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: the status says enough
    }
    throw new CliError(formatError(res.status, body).trimEnd());
  }
  return res;
}

function readDocument(file: string | undefined): string {
  if (!file) throw new CliError("Name the document with -f portcullis.yaml.");
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw new CliError(`Cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      file: { type: "string", short: "f" },
      out: { type: "string", short: "o" },
      format: { type: "string", default: "yaml" },
      url: { type: "string", default: process.env.PORTCULLIS_URL },
      token: { type: "string", default: process.env.PORTCULLIS_TOKEN },
      publish: { type: "boolean", default: false },
      "no-prune": { type: "boolean", default: false },
      note: { type: "string", default: "" },
      "detailed-exitcode": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const [command] = positionals;
  if (values.help || !command || !["export", "plan", "apply"].includes(command)) {
    console.log(USAGE);
    return values.help ? 0 : 1;
  }
  if (!values.url) throw new CliError("Give the control plane's URL: --url or PORTCULLIS_URL.");
  if (!values.token) throw new CliError("Give an API token: --token or PORTCULLIS_TOKEN (Settings → API tokens).");
  const colour = process.stdout.isTTY === true && !process.env.NO_COLOR;
  const { url, token } = values;

  if (command === "export") {
    if (values.format !== "yaml" && values.format !== "json") throw new CliError("--format is yaml or json.");
    const text = await (await call(url, token, `api/v1/config/export?format=${values.format}`)).text();
    if (values.out) {
      writeFileSync(values.out, text);
      console.error(`Wrote ${values.out}.`);
    } else process.stdout.write(text);
    return 0;
  }

  const document = readDocument(values.file);
  const prune = !values["no-prune"];
  const body = JSON.stringify({ document, publish: values.publish, prune });
  const plan = (await (await call(url, token, "api/v1/config/plan", { method: "POST", body })).json()) as Plan;
  process.stdout.write(formatPlan(plan, { colour }));
  if (command === "plan") return values["detailed-exitcode"] && plan.changes.length > 0 ? 2 : 0;
  if (plan.changes.length === 0) return 0;

  // Apply exactly the plan shown: the server refuses (409) if anything changed in between.
  const applyBody = JSON.stringify({
    document,
    publish: values.publish,
    prune,
    planId: plan.planId,
    note: values.note,
  });
  const result = (await (
    await call(url, token, "api/v1/config/apply", { method: "POST", body: applyBody })
  ).json()) as {
    applied: boolean;
    changeSetId: string | null;
    published: { resource: string; version: number }[];
  };
  if (!result.applied) console.log("Nothing to apply.");
  else {
    console.log(`Applied change set ${result.changeSetId}.`);
    for (const p of result.published) console.log(`Published ${p.resource} version ${p.version}.`);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof CliError ? err.message : err instanceof Error ? `Error: ${err.message}` : String(err));
    process.exit(1);
  },
);
