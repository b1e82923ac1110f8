/** DOMAIN.md "Audience" row: what each IdP puts in `aud` for an API. */
export function audienceHint(kind: string | undefined): string {
  switch (kind) {
    case "entra":
      return "Entra: v2 tokens carry the API app’s client id (GUID); v1 tokens the App ID URI (api://…) or the GUID. Include the api:// prefix exactly.";
    case "okta":
      return "Okta: the authorization server’s audience (default api://default).";
    case "auth0":
      return "Auth0: the API identifier (often the resource URI).";
    case "oidc":
      return "Usually the resource URI (RFC 8707).";
    default:
      return "";
  }
}

export function audienceSuggestions(kind: string, resourceUri: string): string[] {
  switch (kind) {
    case "entra":
      return ["api://"];
    case "okta":
      return ["api://default"];
    default:
      return resourceUri ? [resourceUri] : [];
  }
}
