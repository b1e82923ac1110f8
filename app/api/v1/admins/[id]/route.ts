import { z } from "zod";
import { RoleInput } from "@/lib/schemas/admins";
import { changeAdminRole, setAdminStatus } from "@/lib/server/admins";
import { json, readJson, withAdmin } from "@/lib/server/api";

const PatchAdmin = z
  .object({ role: RoleInput.optional(), status: z.enum(["active", "disabled"]).optional() })
  .refine((v) => v.role || v.status, "Send role or status.");

export const PATCH = withAdmin<{ id: string }>("admins.manage", async (request, { actor, req, params }) => {
  const input = await readJson(request, PatchAdmin);
  let admin = input.role ? await changeAdminRole(actor, { adminId: params.id, role: input.role }, req) : undefined;
  if (input.status) admin = await setAdminStatus(actor, { adminId: params.id, status: input.status }, req);
  return json({ admin });
});
