// Moved to lib/schemas/resource-uri.ts, so the input schema checks the URI together with every other field
// (issue 21: all errors at once). Kept for existing importers.
export { normalizeResourceUri } from "@/lib/schemas/resource-uri";
