import { PatchAdminBody } from "@/lib/schemas/admins";
import { changeAdminRole, setAdminStatus } from "@/lib/server/admins";
import { json, readJson, withAdmin } from "@/lib/server/api";

export const PATCH = withAdmin<{ id: string }>("admins.manage", async (request, { actor, req, params }) => {
  const input = await readJson(request, PatchAdminBody);
  let admin = input.role ? await changeAdminRole(actor, { adminId: params.id, role: input.role }, req) : undefined;
  if (input.status) admin = await setAdminStatus(actor, { adminId: params.id, status: input.status }, req);
  return json({ admin });
});
