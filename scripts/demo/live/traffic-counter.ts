/**
 * What the traffic generator sent, counted as the enforcer answered it: every HTTP request to the MCP endpoint
 * is one decision (allowed, or denied with the reason the denial's JSON-RPC body names), so these totals are what
 * the dashboard's Overview must show for the same window.
 */
export interface SentTotals {
  requests: number;
  allowed: number;
  denied: number;
  byReason: Record<string, number>;
  /** tools/call per tool name. */
  tools: Record<string, { allowed: number; denied: number }>;
}

export function emptyTotals(): SentTotals {
  return { requests: 0, allowed: 0, denied: 0, byReason: {}, tools: {} };
}

function toolOf(body: unknown): string | undefined {
  if (typeof body !== "string") return undefined;
  try {
    const msg = JSON.parse(body) as { method?: string; params?: { name?: unknown } };
    return msg.method === "tools/call" && typeof msg.params?.name === "string" ? msg.params.name : undefined;
  } catch {
    return undefined;
  }
}

/** A fetch that counts every exchange with `endpoint` (metadata documents are not decisions, so not counted). */
export function countingFetch(endpoint: string, totals: SentTotals): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (url.split("?")[0] !== endpoint) return res;
    // The enforcer's denials carry `error.data.reason`; the MCP server's own errors (405 on GET, …) do not.
    const reason =
      res.status >= 400
        ? (
            (await res
              .clone()
              .json()
              .catch(() => undefined)) as { error?: { data?: { reason?: string } } } | undefined
          )?.error?.data?.reason
        : undefined;
    totals.requests++;
    if (reason) {
      totals.denied++;
      totals.byReason[reason] = (totals.byReason[reason] ?? 0) + 1;
    } else totals.allowed++;
    const tool = toolOf(init?.body);
    if (tool) {
      const t = totals.tools[tool] ?? { allowed: 0, denied: 0 };
      totals.tools[tool] = t;
      if (reason) t.denied++;
      else t.allowed++;
    }
    return res;
  };
}
