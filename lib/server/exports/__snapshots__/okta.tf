# Portcullis IdP kit for files (https://mcp.example.com/files)
# Review, then: terraform init && terraform plan. Tenant-specific values are variables.

terraform {
  required_providers {
    okta = { source = "okta/okta", version = "~> 4.0" }
  }
}

variable "okta_org_name" {
  description = "Okta org name (the first label of the domain)"
  type        = string
  default     = "acme"
}

variable "okta_base_url" {
  description = "Okta base URL (okta.com, oktapreview.com…)"
  type        = string
  default     = "okta.com"
}

variable "audience" {
  description = "Audience of the authorization server (the resource's accepted audience)"
  type        = string
  default     = "api://files-mcp"
}

variable "client_redirect_uris" {
  description = "Sign-in redirect URIs of the interactive MCP client"
  type        = list(string)
  default     = ["http://127.0.0.1/callback"]
}

provider "okta" {
  org_name = var.okta_org_name
  base_url = var.okta_base_url
}

resource "okta_auth_server" "mcp" {
  name        = "files (MCP)"
  description = "Tokens for https://mcp.example.com/files"
  audiences   = [var.audience]
  issuer_mode = "ORG_URL"
  status      = "ACTIVE"
}

resource "okta_auth_server_scope" "mcp_tools" {
  auth_server_id   = okta_auth_server.mcp.id
  name             = "mcp:tools"
  display_name     = "Invoke tools"
  description      = "Invoke tools on files"
  consent          = "IMPLICIT"
  metadata_publish = "ALL_CLIENTS"
}

resource "okta_auth_server_scope" "mcp_resources" {
  auth_server_id   = okta_auth_server.mcp.id
  name             = "mcp:resources"
  display_name     = "Read resources"
  description      = "Read resources on files"
  consent          = "IMPLICIT"
  metadata_publish = "ALL_CLIENTS"
}

resource "okta_auth_server_scope" "files_admin" {
  auth_server_id   = okta_auth_server.mcp.id
  name             = "files:admin"
  display_name     = "Manage \"shared\" files $${not a template}"
  description      = "Manage \"shared\" files $${not a template} on files"
  consent          = "IMPLICIT"
  metadata_publish = "ALL_CLIENTS"
}

resource "okta_app_oauth" "mcp_client" {
  label                      = "files (MCP client)"
  type                       = "native"
  grant_types                = ["authorization_code", "refresh_token"]
  response_types             = ["code"]
  redirect_uris              = var.client_redirect_uris
  token_endpoint_auth_method = "none"
  pkce_required              = true
  refresh_token_rotation     = "ROTATE"
  refresh_token_leeway       = 0
}

resource "okta_auth_server_policy" "mcp" {
  auth_server_id   = okta_auth_server.mcp.id
  name             = "files MCP clients"
  description      = "MCP clients of this resource"
  priority         = 1
  status           = "ACTIVE"
  client_whitelist = [okta_app_oauth.mcp_client.client_id]
}

resource "okta_auth_server_policy_rule" "mcp" {
  auth_server_id                = okta_auth_server.mcp.id
  policy_id                     = okta_auth_server_policy.mcp.id
  name                          = "MCP access"
  priority                      = 1
  status                        = "ACTIVE"
  group_whitelist               = ["EVERYONE"]
  grant_type_whitelist          = ["authorization_code", "client_credentials"]
  scope_whitelist               = ["mcp:tools", "mcp:resources", "files:admin"]
  access_token_lifetime_minutes = 15
  refresh_token_window_minutes  = 480
}

output "issuer" {
  description = "Set this issuer on the Portcullis IdP profile"
  value       = okta_auth_server.mcp.issuer
}
