import { z } from "zod";

export const RoleInput = z.enum(["owner", "admin", "viewer"], { error: "Choose owner, admin or viewer." });

export const CreateAdminInput = z.object({
  email: z
    .string()
    .trim()
    .toLowerCase()
    .max(320, "At most 320 characters.")
    .pipe(z.email({ error: "Enter a valid email address." })),
  name: z.string().trim().min(1, "Enter a name.").max(100, "At most 100 characters."),
  role: RoleInput,
  password: z.string().min(12, "At least 12 characters.").max(256, "At most 256 characters."),
});
export type CreateAdminInput = z.infer<typeof CreateAdminInput>;

export const ChangeRoleInput = z.object({ adminId: z.string().min(1).max(64), role: RoleInput });
export type ChangeRoleInput = z.infer<typeof ChangeRoleInput>;

export const SetAdminStatusInput = z.object({
  adminId: z.string().min(1).max(64),
  status: z.enum(["active", "disabled"]),
});
export type SetAdminStatusInput = z.infer<typeof SetAdminStatusInput>;

export const AdminIdInput = z.object({ adminId: z.string().min(1).max(64) });
export type AdminIdInput = z.infer<typeof AdminIdInput>;

/** PATCH /api/v1/admins/{id}: a role, a status, or both. */
export const PatchAdminBody = z
  .object({ role: RoleInput.optional(), status: z.enum(["active", "disabled"]).optional() })
  .refine((v) => v.role || v.status, "Send role or status.");
export type PatchAdminBody = z.infer<typeof PatchAdminBody>;

/** An admin changes their own password (issue 13 #13: due at first sign-in when someone else set it). */
export const ChangePasswordInput = z
  .object({
    currentPassword: z.string().min(1, "Enter your current password.").max(256, "At most 256 characters."),
    newPassword: z.string().min(12, "At least 12 characters.").max(256, "At most 256 characters."),
    confirmPassword: z.string().max(256, "At most 256 characters."),
  })
  .refine((v) => v.newPassword === v.confirmPassword, {
    path: ["confirmPassword"],
    message: "The two new passwords differ.",
  })
  .refine((v) => v.newPassword !== v.currentPassword, {
    path: ["newPassword"],
    message: "Choose a password different from the one you were given.",
  });
export type ChangePasswordInput = z.infer<typeof ChangePasswordInput>;
