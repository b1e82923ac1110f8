-- CreateTable
CREATE TABLE "Admin" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL DEFAULT '',
    "passwordHash" TEXT,
    "role" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "ssoSubject" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "lastLoginAt" TIMESTAMP(3),

    CONSTRAINT "Admin_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LoginAttempt" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "ip" TEXT NOT NULL,
    "success" BOOLEAN NOT NULL,
    "reason" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LoginAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "seq" SERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
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
    "hash" TEXT NOT NULL,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "SigningKey" (
    "kid" TEXT NOT NULL,
    "alg" TEXT NOT NULL,
    "publicJwk" TEXT NOT NULL,
    "privateJwkEnc" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'active',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retiredAt" TIMESTAMP(3),

    CONSTRAINT "SigningKey_pkey" PRIMARY KEY ("kid")
);

-- CreateTable
CREATE TABLE "IdpProfile" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "settings" TEXT NOT NULL,
    "issuers" TEXT NOT NULL,
    "discoveryUrl" TEXT NOT NULL,
    "jwksUri" TEXT NOT NULL,
    "algorithms" TEXT NOT NULL DEFAULT '["RS256"]',
    "requireTokenType" TEXT,
    "lastTestAt" TIMESTAMP(3),
    "lastTestOk" BOOLEAN,
    "lastTestResult" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "IdpProfile_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "McpResource" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "uri" TEXT NOT NULL,
    "idpProfileId" TEXT NOT NULL,
    "draft" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "McpResource_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ConfigVersion" (
    "id" TEXT NOT NULL,
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
    "publishedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ConfigVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EnforcerCredential" (
    "id" TEXT NOT NULL,
    "resourceId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "expiresAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "EnforcerCredential_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EnforcerInstance" (
    "id" TEXT NOT NULL,
    "resourceId" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "moduleVersion" TEXT NOT NULL,
    "appliedVersion" INTEGER,
    "lastError" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EnforcerInstance_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TelemetryBatch" (
    "id" TEXT NOT NULL,
    "resourceId" TEXT NOT NULL,
    "eventCount" INTEGER NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TelemetryBatch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TelemetryEvent" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "resourceId" TEXT NOT NULL,
    "instanceId" TEXT NOT NULL DEFAULT '',
    "type" TEXT NOT NULL,
    "outcome" TEXT NOT NULL DEFAULT '',
    "reason" TEXT NOT NULL DEFAULT '',
    "clientId" TEXT NOT NULL DEFAULT '',
    "subject" TEXT NOT NULL DEFAULT '',
    "tool" TEXT NOT NULL DEFAULT '',
    "method" TEXT NOT NULL DEFAULT '',
    "latencyMs" DOUBLE PRECISION,
    "data" TEXT,

    CONSTRAINT "TelemetryEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TelemetryRollup" (
    "minute" TIMESTAMP(3) NOT NULL,
    "resourceId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "tool" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "latencySum" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "latencyHist" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "TelemetryRollup_pkey" PRIMARY KEY ("minute","resourceId","type","outcome","reason","clientId","tool")
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

-- AddForeignKey
ALTER TABLE "McpResource" ADD CONSTRAINT "McpResource_idpProfileId_fkey" FOREIGN KEY ("idpProfileId") REFERENCES "IdpProfile"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ConfigVersion" ADD CONSTRAINT "ConfigVersion_resourceId_fkey" FOREIGN KEY ("resourceId") REFERENCES "McpResource"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EnforcerCredential" ADD CONSTRAINT "EnforcerCredential_resourceId_fkey" FOREIGN KEY ("resourceId") REFERENCES "McpResource"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EnforcerInstance" ADD CONSTRAINT "EnforcerInstance_resourceId_fkey" FOREIGN KEY ("resourceId") REFERENCES "McpResource"("id") ON DELETE CASCADE ON UPDATE CASCADE;

