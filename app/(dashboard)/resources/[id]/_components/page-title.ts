import type { Metadata } from "next";
import { requirePageActor } from "@/lib/server/auth/session";
import { getResource } from "@/lib/server/resources/get-resource";

/**
 * generateMetadata for a resource tab (issue 21): "<tab> · <name> · Resources" (the root template adds
 * "· Portcullis"), so every resource and tab has its own title. The overview passes no tab.
 */
export function resourceTitle(tab?: string) {
  return async ({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> => {
    await requirePageActor("resources.read");
    const resource = await getResource((await params).id);
    return { title: [tab, resource?.name ?? "Not found", "Resources"].filter(Boolean).join(" · ") };
  };
}
