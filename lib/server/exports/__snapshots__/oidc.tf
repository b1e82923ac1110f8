# Portcullis IdP kit for files (https://mcp.example.com/files)
# Review, then: terraform init && terraform plan. Tenant-specific values are variables.
# Generic OIDC: no Terraform provider is assumed; the values are outputs.

variable "issuer" {
  description = "Issuer (exact, trailing slash included)"
  type        = string
  default     = "https://sso.example.com/realms/mcp"
}

variable "audiences" {
  description = "Accepted audiences"
  type        = list(string)
  default     = ["https://mcp.example.com/files"]
}

variable "scopes" {
  description = "Scopes to define on the provider"
  type        = list(string)
  default     = ["mcp:tools", "mcp:resources", "files:admin"]
}

output "resource_metadata_url" {
  value = "https://mcp.example.com/.well-known/oauth-protected-resource/files"
}

output "issuer" {
  value = var.issuer
}

output "audiences" {
  value = var.audiences
}

output "scopes" {
  value = var.scopes
}
