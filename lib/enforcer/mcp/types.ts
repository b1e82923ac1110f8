/** RFC 9728 metadata type. */

/**
 * RFC 9728 §2 protected resource metadata.
 *
 * @example
 * const doc: ProtectedResourceMetadata = enforcer.metadata();
 */
export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers: string[];
  scopes_supported: string[];
  bearer_methods_supported: ["header"];
  resource_name?: string;
  resource_documentation?: string;
}
