import type { Metadata } from "next";
import Link from "next/link";
import { SignOutButton } from "@/components/shell/user-menu";
import { Notice } from "@/components/ui/card";
import { hasOwnPassword } from "@/lib/server/auth/password-change";
import { requireSignedIn } from "@/lib/server/auth/session";
import { ChangePasswordForm } from "./_components/change-password-form";

export const metadata: Metadata = { title: "Change password" };

/**
 * The admin's own password (issue 13 #13). While a change is due (an owner set the password, or it was generated
 * at first start) every other page and API call sends the admin here; otherwise it is reached from the header.
 */
export default async function ChangePasswordPage() {
  const actor = await requireSignedIn();
  const due = actor.mustChangePassword === true;
  const own = await hasOwnPassword(actor.id);
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <div className="mb-6 text-center">
          {/* biome-ignore lint/performance/noImgElement: a 40 px SVG needs no image optimisation */}
          <img src="/logo.svg" alt="" width={40} height={40} className="mx-auto mb-3 h-10 w-10" />
          <h1 className="text-xl font-semibold">{due ? "Choose your own password" : "Change password"}</h1>
          <p className="mt-1 break-all text-sm text-slate-600 dark:text-slate-400">{actor.email}</p>
        </div>
        <div className="space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900">
          {due ? (
            <Notice tone="info">
              Your password was set by someone else. Choose your own before you continue: nothing else opens until you
              do.
            </Notice>
          ) : null}
          {own ? (
            <>
              <p className="text-sm text-slate-600 dark:text-slate-400">
                Every session of this account ends when the password changes; you then sign in with the new one.
              </p>
              <ChangePasswordForm />
            </>
          ) : (
            <Notice tone="info">This account signs in with single sign-on: its password is managed there.</Notice>
          )}
        </div>
        <div className="mt-4 text-center text-sm">
          {due ? (
            <SignOutButton />
          ) : (
            <Link className="font-medium text-link hover:underline" href="/">
              Back to the dashboard
            </Link>
          )}
        </div>
      </div>
    </main>
  );
}
