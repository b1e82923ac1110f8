import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { env } from "../env";
import { log } from "../log";
import { contextFromHeaders } from "../request-context";
import { authenticateWithPassword } from "./password-sign-in";
import { postSignInRedirectUrl } from "./post-sign-in-redirect";
import { currentSessionVersion, endSessionsOnSignOut } from "./session-version";
import { provisionSsoAdmin } from "./sso";

const Credentials = z.object({ email: z.email().max(320), password: z.string().min(1).max(256) });

function headersOf(req: { headers?: Record<string, unknown> } | undefined): Headers {
  const h = new Headers();
  for (const [k, v] of Object.entries(req?.headers ?? {})) if (typeof v === "string") h.set(k, v);
  return h;
}

export function ssoEnabled(): boolean {
  return Boolean(env().OIDC_ISSUER);
}

export function authOptions(): NextAuthOptions {
  const e = env();
  const providers: NextAuthOptions["providers"] = [
    CredentialsProvider({
      id: "credentials",
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(raw, req) {
        const parsed = Credentials.safeParse(raw);
        if (!parsed.success) return null;
        const ctx = contextFromHeaders(headersOf(req));
        const result = await authenticateWithPassword(parsed.data.email, parsed.data.password, ctx);
        if (!result.ok) throw new Error(result.error);
        return result.admin;
      },
    }),
  ];
  if (e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET) {
    const issuer = e.OIDC_ISSUER.replace(/\/$/, "");
    providers.push({
      id: "oidc",
      name: e.OIDC_DISPLAY_NAME,
      type: "oauth",
      wellKnown: `${issuer}/.well-known/openid-configuration`,
      clientId: e.OIDC_CLIENT_ID,
      clientSecret: e.OIDC_CLIENT_SECRET,
      idToken: true,
      checks: ["pkce", "state"],
      authorization: { params: { scope: e.OIDC_SCOPES } },
      profile(profile: Record<string, unknown>) {
        return {
          id: String(profile.sub),
          email: typeof profile.email === "string" ? profile.email : null,
          name: typeof profile.name === "string" ? profile.name : null,
          claims: profile,
        };
      },
    });
  }
  return {
    secret: e.NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: 8 * 60 * 60 },
    pages: { signIn: "/signin", error: "/signin" },
    providers,
    logger: {
      error: (code, metadata) =>
        log.warn({ code, err: metadata instanceof Error ? metadata.message : undefined }, "next-auth error"),
      warn: (code) => log.warn({ code }, "next-auth warning"),
      debug: () => {},
    },
    callbacks: {
      async signIn({ user, account, profile }) {
        if (account?.provider !== "oidc") return true;
        const claims = (profile ?? {}) as Record<string, unknown>;
        const admin = await provisionSsoAdmin({
          issuer: e.OIDC_ISSUER ?? "",
          subject: String(claims.sub ?? user.id),
          claims,
        });
        if (!admin.ok) return `/signin?error=${encodeURIComponent(admin.error)}`;
        user.id = admin.adminId;
        return true;
      },
      // One rule for every post-sign-in redirect (issue 23 §1), next-auth's included.
      async redirect({ url, baseUrl }) {
        return postSignInRedirectUrl(url, baseUrl);
      },
      async jwt({ token, user }) {
        if (user) {
          token.adminId = user.id;
          // The session version at sign-in (session-version.ts): a later bump ends this cookie.
          token.sv = await currentSessionVersion(user.id);
        }
        return token;
      },
      async session({ session, token }) {
        return {
          ...session,
          adminId: typeof token.adminId === "string" ? token.adminId : undefined,
          sessionVersion: typeof token.sv === "number" ? token.sv : undefined,
        };
      },
    },
    events: {
      signOut: ({ token }) => endSessionsOnSignOut(token),
    },
  };
}
