import { KitFormat } from "@/lib/schemas/debug";
import { withAdmin } from "@/lib/server/api";
import { AppError } from "@/lib/server/errors";
import { renderKit } from "@/lib/server/exports/render";
import { kitInputFor } from "@/lib/server/idp-kit/load";

/** The resource's IdP app-registration kit as a download: ?format=markdown|html|json|terraform. Viewers may read it. */
export const GET = withAdmin<{ id: string }>("resources.read", async (request, { params }) => {
  const raw = new URL(request.url).searchParams.get("format") ?? "markdown";
  const format = KitFormat.safeParse(raw);
  if (!format.success)
    throw new AppError("invalid_input", "format must be markdown, html, json or terraform.", {
      fieldErrors: { format: ["one of markdown, html, json, terraform"] },
    });
  const kit = renderKit(await kitInputFor(params.id), format.data);
  return new Response(kit.body, {
    headers: {
      "content-type": kit.contentType,
      "content-disposition": `attachment; filename="${kit.filename}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      // The HTML kit is a standalone page: no script, only its own inline styles.
      "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    },
  });
});
