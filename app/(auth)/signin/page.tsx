import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { SIGN_IN_MESSAGES } from "@/components/auth/sign-in-messages";
import { ssoEnabled } from "@/lib/server/auth/options";
import { postSignInRedirect } from "@/lib/server/auth/post-sign-in-redirect";
import { getActor } from "@/lib/server/auth/session";
import { env } from "@/lib/server/env";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ error?: string; callbackUrl?: string; notice?: string }>;
}) {
  const params = await searchParams;
  const callbackUrl = postSignInRedirect(params.callbackUrl);
  if (await getActor()) redirect(callbackUrl);
  const error = params.error ? (SIGN_IN_MESSAGES[params.error] ?? "Sign-in failed.") : undefined;
  const notice = params.notice === "password_changed" ? "Password changed. Sign in with your new password." : undefined;
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <div className="mb-6 text-center">
          {/* A static asset from public/ (served without sign-in); decorative: the heading names the product. */}
          {/* biome-ignore lint/performance/noImgElement: a 40 px SVG needs no image optimisation */}
          <img src="/logo.svg" alt="" width={40} height={40} className="mx-auto mb-3 h-10 w-10" />
          <h1 className="text-xl font-semibold">Sign in to Portcullis</h1>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">MCP security control plane</p>
        </div>
        <SignInForm
          callbackUrl={callbackUrl}
          initialError={error}
          notice={notice}
          sso={ssoEnabled() ? { name: env().OIDC_DISPLAY_NAME } : null}
        />
      </div>
    </main>
  );
}
