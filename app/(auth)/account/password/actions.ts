"use server";

import { ChangePasswordInput } from "@/lib/schemas/admins";
import { type ActionResult, ownAccountAction } from "@/lib/server/action";
import { changeOwnPassword } from "@/lib/server/auth/password-change";

/** Any signed-in admin, whether or not the change is due (the one action open while it is). */
export const changePasswordAction: (input: unknown) => Promise<ActionResult<{ signInAgain: true }>> = ownAccountAction(
  ChangePasswordInput,
  changeOwnPassword,
);
