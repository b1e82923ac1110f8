import { CreateAdminInput } from "@/lib/schemas/admins";
import { createAdmin, listAdmins } from "@/lib/server/admins";
import { json, readJson, withAdmin } from "@/lib/server/api";

/** Admin REST API (automation). Same data functions and checks as the dashboard. */
export const GET = withAdmin("admins.read", async () => json({ admins: await listAdmins() }));

export const POST = withAdmin("admins.manage", async (request, { actor, req }) => {
  const input = await readJson(request, CreateAdminInput);
  return json({ admin: await createAdmin(actor, input, req) }, { status: 201 });
});
