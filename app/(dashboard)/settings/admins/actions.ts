"use server";

import { revalidatePath } from "next/cache";
import { AdminIdInput, ChangeRoleInput, CreateAdminInput, SetAdminStatusInput } from "@/lib/schemas/admins";
import { validatedAction } from "@/lib/server/action";
import { resetAdminPassword } from "@/lib/server/admin-password-reset";
import {
  changeAdminRole,
  createAdmin,
  enablePasswordSignIn,
  endAdminSessions,
  setAdminStatus,
} from "@/lib/server/admins";

const done = <T>(value: T) => {
  revalidatePath("/settings/admins");
  return value;
};

export const createAdminAction = validatedAction("admins.manage", CreateAdminInput, async (input, actor, ctx) =>
  done(await createAdmin(actor, input, ctx)),
);
export const changeRoleAction = validatedAction("admins.manage", ChangeRoleInput, async (input, actor, ctx) =>
  done(await changeAdminRole(actor, input, ctx)),
);
export const setStatusAction = validatedAction("admins.manage", SetAdminStatusInput, async (input, actor, ctx) =>
  done(await setAdminStatus(actor, input, ctx)),
);
export const endSessionsAction = validatedAction("admins.manage", AdminIdInput, async (input, actor, ctx) =>
  done(await endAdminSessions(actor, input, ctx)),
);
export const enablePasswordAction = validatedAction("admins.manage", AdminIdInput, async (input, actor, ctx) =>
  done(await enablePasswordSignIn(actor, input, ctx)),
);
export const resetPasswordAction = validatedAction("admins.manage", AdminIdInput, async (input, actor, ctx) =>
  done(await resetAdminPassword(actor, input, ctx)),
);
