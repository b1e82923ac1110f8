# Portcullis IdP kit for files (https://mcp.example.com/files)
# Review, then: terraform init && terraform plan. Tenant-specific values are variables.

terraform {
  required_providers {
    auth0 = { source = "auth0/auth0", version = "~> 1.0" }
  }
}

variable "auth0_domain" {
  description = "Auth0 tenant domain"
  type        = string
  default     = "acme.eu.auth0.com"
}

variable "api_identifier" {
  description = "API identifier (the audience; cannot change later)"
  type        = string
  default     = "https://mcp.example.com/files"
}

variable "client_callbacks" {
  description = "Allowed Callback URLs of the interactive MCP client"
  type        = list(string)
  default     = ["http://127.0.0.1/callback"]
}

provider "auth0" {
  domain = var.auth0_domain
}

resource "auth0_resource_server" "mcp" {
  name                                            = "files (MCP)"
  identifier                                      = var.api_identifier
  signing_alg                                     = "RS256"
  enforce_policies                                = true
  token_dialect                                   = "access_token_authz"
  token_lifetime                                  = 900
  allow_offline_access                            = true
  skip_consent_for_verifiable_first_party_clients = true
}

resource "auth0_resource_server_scopes" "mcp" {
  resource_server_identifier = auth0_resource_server.mcp.identifier

  scopes {
    name        = "mcp:tools"
    description = "Invoke tools"
  }

  scopes {
    name        = "mcp:resources"
    description = "Read resources"
  }

  scopes {
    name        = "files:admin"
    description = "Manage \"shared\" files $${not a template}"
  }
}

resource "auth0_client" "mcp_client" {
  name            = "files (MCP client)"
  app_type        = "native"
  callbacks       = var.client_callbacks
  grant_types     = ["authorization_code", "refresh_token"]
  oidc_conformant = true

  refresh_token {
    rotation_type       = "rotating"
    expiration_type     = "expiring"
    leeway              = 0
    token_lifetime      = 28800
    idle_token_lifetime = 28800
  }
}

resource "auth0_client" "mcp_agent" {
  name        = "files (MCP agent)"
  app_type    = "non_interactive"
  grant_types = ["client_credentials"]
}

resource "auth0_client_grant" "mcp_agent" {
  client_id = auth0_client.mcp_agent.id
  audience  = auth0_resource_server.mcp.identifier
  scopes    = ["mcp:tools", "mcp:resources", "files:admin"]
}
