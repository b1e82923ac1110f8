-- CreateTable
CREATE TABLE "Admin" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL DEFAULT '',
    "passwordHash" TEXT,
    "role" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "ssoSubject" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "lastLoginAt" DATETIME
);

-- CreateTable
CREATE TABLE "LoginAttempt" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "email" TEXT NOT NULL,
    "ip" TEXT NOT NULL,
    "success" BOOLEAN NOT NULL,
    "reason" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "seq" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorId" TEXT,
    "actorEmail" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "targetType" TEXT NOT NULL,
    "targetId" TEXT,
    "before" TEXT,
    "after" TEXT,
    "requestId" TEXT,
    "ip" TEXT,
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "SigningKey" (
    "kid" TEXT NOT NULL PRIMARY KEY,
    "alg" TEXT NOT NULL,
    "publicJwk" TEXT NOT NULL,
    "privateJwkEnc" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retiredAt" DATETIME
);

-- CreateTable
CREATE TABLE "IdpProfile" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "settings" TEXT NOT NULL,
    "issuers" TEXT NOT NULL,
    "discoveryUrl" TEXT NOT NULL,
    "jwksUri" TEXT NOT NULL,
    "algorithms" TEXT NOT NULL DEFAULT '["RS256"]',
    "requireTokenType" TEXT,
    "lastTestAt" DATETIME,
    "lastTestOk" BOOLEAN,
    "lastTestResult" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "McpResource" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "uri" TEXT NOT NULL,
    "idpProfileId" TEXT NOT NULL,
    "draft" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "McpResource_idpProfileId_fkey" FOREIGN KEY ("idpProfileId") REFERENCES "IdpProfile" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ConfigVersion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "resourceId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "bundle" TEXT NOT NULL,
    "jws" TEXT NOT NULL,
    "etag" TEXT NOT NULL,
    "kid" TEXT NOT NULL,
    "publishedById" TEXT,
    "publishedByEmail" TEXT NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "rolledBackFrom" INTEGER,
    "publishedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ConfigVersion_resourceId_fkey" FOREIGN KEY ("resourceId") REFERENCES "McpResource" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "EnforcerCredential" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "resourceId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" DATETIME,
    "expiresAt" DATETIME,
    "revokedAt" DATETIME,
    CONSTRAINT "EnforcerCredential_resourceId_fkey" FOREIGN KEY ("resourceId") REFERENCES "McpResource" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "EnforcerInstance" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "resourceId" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "moduleVersion" TEXT NOT NULL,
    "appliedVersion" INTEGER,
    "lastError" TEXT,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "EnforcerInstance_resourceId_fkey" FOREIGN KEY ("resourceId") REFERENCES "McpResource" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TelemetryBatch" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "resourceId" TEXT NOT NULL,
    "eventCount" INTEGER NOT NULL,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "TelemetryEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "at" DATETIME NOT NULL,
    "resourceId" TEXT NOT NULL,
    "instanceId" TEXT NOT NULL DEFAULT '',
    "type" TEXT NOT NULL,
    "outcome" TEXT NOT NULL DEFAULT '',
    "reason" TEXT NOT NULL DEFAULT '',
    "clientId" TEXT NOT NULL DEFAULT '',
    "subject" TEXT NOT NULL DEFAULT '',
    "tool" TEXT NOT NULL DEFAULT '',
    "method" TEXT NOT NULL DEFAULT '',
    "latencyMs" REAL,
    "data" TEXT
);

-- CreateTable
CREATE TABLE "TelemetryRollup" (
    "minute" DATETIME NOT NULL,
    "resourceId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "tool" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "latencySum" REAL NOT NULL DEFAULT 0,
    "latencyHist" TEXT NOT NULL DEFAULT '',

    PRIMARY KEY ("minute", "resourceId", "type", "outcome", "reason", "clientId", "tool")
);

-- CreateIndex
CREATE UNIQUE INDEX "Admin_email_key" ON "Admin"("email");

-- CreateIndex
CREATE UNIQUE INDEX "Admin_ssoSubject_key" ON "Admin"("ssoSubject");

-- CreateIndex
CREATE INDEX "LoginAttempt_email_createdAt_idx" ON "LoginAttempt"("email", "createdAt");

-- CreateIndex
CREATE INDEX "LoginAttempt_ip_createdAt_idx" ON "LoginAttempt"("ip", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_hash_key" ON "AuditEvent"("hash");

-- CreateIndex
CREATE INDEX "AuditEvent_action_at_idx" ON "AuditEvent"("action", "at");

-- CreateIndex
CREATE INDEX "AuditEvent_actorEmail_at_idx" ON "AuditEvent"("actorEmail", "at");

-- CreateIndex
CREATE INDEX "AuditEvent_targetType_targetId_idx" ON "AuditEvent"("targetType", "targetId");

-- CreateIndex
CREATE UNIQUE INDEX "IdpProfile_name_key" ON "IdpProfile"("name");

-- CreateIndex
CREATE UNIQUE INDEX "McpResource_name_key" ON "McpResource"("name");

-- CreateIndex
CREATE UNIQUE INDEX "McpResource_uri_key" ON "McpResource"("uri");

-- CreateIndex
CREATE UNIQUE INDEX "ConfigVersion_resourceId_version_key" ON "ConfigVersion"("resourceId", "version");

-- CreateIndex
CREATE UNIQUE INDEX "EnforcerCredential_prefix_key" ON "EnforcerCredential"("prefix");

-- CreateIndex
CREATE INDEX "EnforcerCredential_resourceId_idx" ON "EnforcerCredential"("resourceId");

-- CreateIndex
CREATE INDEX "EnforcerInstance_resourceId_idx" ON "EnforcerInstance"("resourceId");

-- CreateIndex
CREATE INDEX "TelemetryBatch_receivedAt_idx" ON "TelemetryBatch"("receivedAt");

-- CreateIndex
CREATE INDEX "TelemetryEvent_at_idx" ON "TelemetryEvent"("at");

-- CreateIndex
CREATE INDEX "TelemetryEvent_resourceId_at_idx" ON "TelemetryEvent"("resourceId", "at");

-- CreateIndex
CREATE INDEX "TelemetryEvent_type_outcome_at_idx" ON "TelemetryEvent"("type", "outcome", "at");

-- CreateIndex
CREATE INDEX "TelemetryRollup_minute_idx" ON "TelemetryRollup"("minute");

