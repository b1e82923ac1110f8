import { AuditApiQuery } from "@/lib/schemas/audit";
import { json, withAdmin } from "@/lib/server/api";
import { listAuditEvents } from "@/lib/server/audit-query";

export const dynamic = "force-dynamic";

/**
 * The audit trail, newest first: ?action=&actor=&targetType=&targetId=&from=&to=&limit=&before=
 * (the Audit page's filters). Keyset pagination: pass the answer's `nextBefore` as `before` for the
 * next page; `nextBefore` is null on the last page.
 */
export const GET = withAdmin("audit.read", async (request) => {
  const { limit, ...filter } = AuditApiQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const { events, nextBefore } = await listAuditEvents(filter, limit);
  return json({ events, nextBefore });
});
