/** What the sign-in page says for each next-auth / Portcullis sign-in error code. */
export const SIGN_IN_MESSAGES: Record<string, string> = {
  InvalidCredentials: "Wrong email or password.",
  CredentialsSignin: "Wrong email or password.",
  Locked: "Too many failed attempts. Sign-in to this account from this address is locked for 15 minutes.",
  Disabled: "This account is disabled. Ask an owner to enable it.",
  NoRole: "Your identity provider account has no Portcullis role. Ask an owner to map one of your groups.",
  EmailInUse:
    "An admin with your email already exists and cannot be linked to this sign-in. Ask an owner (linking by email needs OIDC_LINK_BY_EMAIL=true).",
  UseSso: "This account signs in with single sign-on. Ask an owner to turn password sign-in back on if you need it.",
  NoEmail: "Your identity provider did not send an email address.",
  OAuthCallback: "Single sign-on failed. Try again.",
  OAuthSignin: "Could not reach the identity provider.",
};
