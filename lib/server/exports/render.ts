import type { KitFormat } from "@/lib/schemas/debug";
import { buildKit } from "./kit";
import type { KitInput } from "./kit-types";
import { kitToHtml, kitToJson, kitToMarkdown } from "./render-kit";
import { kitToTerraform } from "./terraform";

export interface RenderedKit {
  body: string;
  contentType: string;
  filename: string;
}

const TYPES: Record<KitFormat, { type: string; ext: string }> = {
  markdown: { type: "text/markdown; charset=utf-8", ext: "md" },
  html: { type: "text/html; charset=utf-8", ext: "html" },
  json: { type: "application/json; charset=utf-8", ext: "json" },
  terraform: { type: "text/plain; charset=utf-8", ext: "tf" },
};

/** One kit format as a downloadable file (`files-entra-idp-kit.tf`). */
export function renderKit(input: KitInput, format: KitFormat): RenderedKit {
  const kit = buildKit(input);
  const body =
    format === "markdown"
      ? kitToMarkdown(kit)
      : format === "html"
        ? kitToHtml(kit)
        : format === "json"
          ? kitToJson(kit)
          : kitToTerraform(input);
  const slug =
    input.resource.name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "resource";
  return { body, contentType: TYPES[format].type, filename: `${slug}-${input.idp.kind}-idp-kit.${TYPES[format].ext}` };
}
