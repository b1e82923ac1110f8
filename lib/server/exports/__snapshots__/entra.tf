# Portcullis IdP kit for files (https://mcp.example.com/files)
# Review, then: terraform init && terraform plan. Tenant-specific values are variables.

terraform {
  required_providers {
    azuread = { source = "hashicorp/azuread", version = "~> 3.0" }
    random  = { source = "hashicorp/random", version = "~> 3.6" }
  }
}

variable "tenant_id" {
  description = "Directory (tenant) ID"
  type        = string
  default     = "11111111-2222-4333-8444-555555555555"
}

variable "app_id_uri" {
  description = "Application ID URI: the audience of v1 tokens and the scope prefix"
  type        = string
  default     = "api://files-mcp"
}

variable "display_name" {
  description = "Display name of the API app registration"
  type        = string
  default     = "files (MCP API)"
}

variable "client_redirect_uris" {
  description = "Redirect URIs of the interactive MCP client"
  type        = list(string)
  default     = ["http://localhost"]
}

provider "azuread" {
  tenant_id = var.tenant_id
}

resource "random_uuid" "scope_mcp_tools" {}

resource "random_uuid" "scope_mcp_resources" {}

resource "random_uuid" "scope_files_admin" {}

resource "azuread_application" "mcp_api" {
  display_name     = var.display_name
  identifier_uris  = [var.app_id_uri]
  sign_in_audience = "AzureADMyOrg"

  api {
    requested_access_token_version = 2

    oauth2_permission_scope {
      admin_consent_description  = "Invoke tools on files"
      admin_consent_display_name = "Invoke tools"
      enabled                    = true
      id                         = random_uuid.scope_mcp_tools.result
      type                       = "User"
      user_consent_description   = "Invoke tools on files"
      user_consent_display_name  = "Invoke tools"
      value                      = "mcp:tools"
    }

    oauth2_permission_scope {
      admin_consent_description  = "Read resources on files"
      admin_consent_display_name = "Read resources"
      enabled                    = true
      id                         = random_uuid.scope_mcp_resources.result
      type                       = "User"
      user_consent_description   = "Read resources on files"
      user_consent_display_name  = "Read resources"
      value                      = "mcp:resources"
    }

    oauth2_permission_scope {
      admin_consent_description  = "Manage \"shared\" files $${not a template} on files"
      admin_consent_display_name = "Manage \"shared\" files $${not a template}"
      enabled                    = true
      id                         = random_uuid.scope_files_admin.result
      type                       = "User"
      user_consent_description   = "Manage \"shared\" files $${not a template} on files"
      user_consent_display_name  = "Manage \"shared\" files $${not a template}"
      value                      = "files:admin"
    }
  }

  web {
    implicit_grant {
      access_token_issuance_enabled = false
      id_token_issuance_enabled     = false
    }
  }
}

resource "azuread_service_principal" "mcp_api" {
  client_id = azuread_application.mcp_api.client_id
}

resource "azuread_application" "mcp_client" {
  display_name                   = "files (MCP client)"
  sign_in_audience               = "AzureADMyOrg"
  fallback_public_client_enabled = true

  public_client {
    redirect_uris = var.client_redirect_uris
  }

  required_resource_access {
    resource_app_id = azuread_application.mcp_api.client_id

    resource_access {
      id   = random_uuid.scope_mcp_tools.result
      type = "Scope"
    }

    resource_access {
      id   = random_uuid.scope_mcp_resources.result
      type = "Scope"
    }

    resource_access {
      id   = random_uuid.scope_files_admin.result
      type = "Scope"
    }
  }
}

resource "azuread_application_pre_authorized" "mcp_client" {
  application_id       = azuread_application.mcp_api.id
  authorized_client_id = azuread_application.mcp_client.client_id
  permission_ids       = [random_uuid.scope_mcp_tools.result, random_uuid.scope_mcp_resources.result, random_uuid.scope_files_admin.result]
}

output "api_client_id" {
  description = "Add this to the resource's accepted audiences in Portcullis (aud of v2 tokens)"
  value       = azuread_application.mcp_api.client_id
}

output "request_scopes" {
  description = "Scopes as MCP clients request them"
  value       = ["api://files-mcp/mcp:tools", "api://files-mcp/mcp:resources", "api://files-mcp/files:admin"]
}
