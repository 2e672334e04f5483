/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query MyTeams {\n    me {\n      id\n      teams {\n        id\n        name\n        role\n        current\n      }\n    }\n  }\n": typeof types.MyTeamsDocument,
    "\n  mutation SwitchTeam($teamId: ID!) {\n    switchTeam(teamId: $teamId) {\n      id\n    }\n  }\n": typeof types.SwitchTeamDocument,
    "\n  query MailRelay {\n    sendingPolicy {\n      mailRelay\n    }\n  }\n": typeof types.MailRelayDocument,
    "\n  fragment Session_user on User {\n    id\n    email\n    role\n    team {\n      id\n      name\n    }\n  }\n": typeof types.Session_UserFragmentDoc,
    "\n  query Session {\n    me {\n      ...Session_user\n    }\n  }\n": typeof types.SessionDocument,
    "\n  query Thresholds {\n    thresholds {\n      inactiveAfterDays\n      expiringSoonDays\n      exportDownloadDays\n      exportInlineMaxRows\n    }\n  }\n": typeof types.ThresholdsDocument,
    "\n  fragment CursorList_pageInfo on PageInfo {\n    hasNextPage\n    endCursor\n  }\n": typeof types.CursorList_PageInfoFragmentDoc,
    "\n  query AccountSessions {\n    sessions {\n      id\n      current\n      teamName\n      userAgent\n      ip\n      createdAt\n      expiresAt\n    }\n  }\n": typeof types.AccountSessionsDocument,
    "\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input)\n  }\n": typeof types.ChangePasswordDocument,
    "\n  mutation SignOutOtherSessions {\n    signOutOtherSessions\n  }\n": typeof types.SignOutOtherSessionsDocument,
    "\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id)\n  }\n": typeof types.RevokeSessionDocument,
    "\n  fragment ApiKeysTable_apiKey on ApiKey {\n    id\n    name\n    permission\n    tokenStart\n    createdAt\n    lastUsedAt\n    usageStatus\n    requestCount\n    expiresAt\n    enabled\n    previousTokenStart\n    previousTokenExpiresAt\n    domain {\n      id\n      name\n    }\n  }\n": typeof types.ApiKeysTable_ApiKeyFragmentDoc,
    "\n  fragment HealthOverview_health on ApiKeyHealth {\n    total\n    neverUsed\n    inactive\n    fullAccess\n    expiringSoon\n    disabled\n  }\n": typeof types.HealthOverview_HealthFragmentDoc,
    "\n  query ApiKeysPage($filter: ApiKeyFilter) {\n    apiKeys(filter: $filter) {\n      ...ApiKeysTable_apiKey\n    }\n    apiKeyHealth {\n      ...HealthOverview_health\n    }\n  }\n": typeof types.ApiKeysPageDocument,
    "\n  query ApiKeysRecentUsage($filter: ApiKeyFilter) {\n    apiKeys(filter: $filter) {\n      id\n      recentRequests\n      recentErrorRate\n    }\n  }\n": typeof types.ApiKeysRecentUsageDocument,
    "\n  query ApiKeyDomains {\n    domains {\n      id\n      name\n    }\n  }\n": typeof types.ApiKeyDomainsDocument,
    "\n  query ApiKeyFilterKeys {\n    apiKeys {\n      id\n      name\n    }\n  }\n": typeof types.ApiKeyFilterKeysDocument,
    "\n  fragment RecentRequests_log on UsageLog {\n    id\n    method\n    endpoint\n    statusCode\n    durationMs\n    createdAt\n  }\n": typeof types.RecentRequests_LogFragmentDoc,
    "\n  query ApiKeyDetail($id: ID!) {\n    apiKey(id: $id) {\n      ...ApiKeysTable_apiKey\n      updatedAt\n      createdBy {\n        id\n        email\n      }\n      usage(days: 30) {\n        date\n        requests\n        errors\n      }\n    }\n    usageLogs(filter: { apiKeyId: $id }, first: 20) {\n      edges {\n        cursor\n        node {\n          ...RecentRequests_log\n        }\n      }\n      pageInfo {\n        ...CursorList_pageInfo\n      }\n    }\n  }\n": typeof types.ApiKeyDetailDocument,
    "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      token\n      apiKey {\n        ...ApiKeysTable_apiKey\n      }\n    }\n  }\n": typeof types.CreateApiKeyDocument,
    "\n  mutation DeleteApiKey($id: ID!) {\n    deleteApiKey(id: $id)\n  }\n": typeof types.DeleteApiKeyDocument,
    "\n  mutation ExpirePreviousToken($id: ID!) {\n    expirePreviousToken(id: $id) {\n      ...ApiKeysTable_apiKey\n    }\n  }\n": typeof types.ExpirePreviousTokenDocument,
    "\n  query ApiKeyDomainTies {\n    apiKeys {\n      id\n      name\n      domain {\n        id\n      }\n    }\n  }\n": typeof types.ApiKeyDomainTiesDocument,
    "\n  mutation RollApiKey($id: ID!, $input: RollApiKeyInput!) {\n    rollApiKey(id: $id, input: $input) {\n      token\n      apiKey {\n        ...ApiKeysTable_apiKey\n      }\n    }\n  }\n": typeof types.RollApiKeyDocument,
    "\n  mutation UpdateApiKey($id: ID!, $input: UpdateApiKeyInput!) {\n    updateApiKey(id: $id, input: $input) {\n      ...ApiKeysTable_apiKey\n    }\n  }\n": typeof types.UpdateApiKeyDocument,
    "\n  fragment AuditTable_event on AuditEvent {\n    id\n    action\n    actor {\n      id\n      email\n    }\n    actorApiKeyId\n    targetId\n    metadata\n    createdAt\n  }\n": typeof types.AuditTable_EventFragmentDoc,
    "\n  query AuditPage($first: Int, $after: String) {\n    auditEvents(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          ...AuditTable_event\n        }\n      }\n      pageInfo {\n        ...CursorList_pageInfo\n      }\n    }\n  }\n": typeof types.AuditPageDocument,
    "\n  query InvitationPreview($token: String!) {\n    invitationPreview(token: $token) {\n      teamName\n      email\n      expiresAt\n    }\n  }\n": typeof types.InvitationPreviewDocument,
    "\n  query SignUpAllowed {\n    signUpAllowed\n  }\n": typeof types.SignUpAllowedDocument,
    "\n  mutation AcceptInvitation($input: AcceptInvitationInput!) {\n    acceptInvitation(input: $input) {\n      ...Session_user\n    }\n  }\n": typeof types.AcceptInvitationDocument,
    "\n  mutation RequestPasswordReset($input: RequestPasswordResetInput!) {\n    requestPasswordReset(input: $input)\n  }\n": typeof types.RequestPasswordResetDocument,
    "\n  mutation ResetPassword($input: ResetPasswordInput!) {\n    resetPassword(input: $input) {\n      ...Session_user\n    }\n  }\n": typeof types.ResetPasswordDocument,
    "\n  mutation SignIn($input: SignInInput!) {\n    signIn(input: $input) {\n      ...Session_user\n    }\n  }\n": typeof types.SignInDocument,
    "\n  mutation SignOut {\n    signOut\n  }\n": typeof types.SignOutDocument,
    "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      ...Session_user\n    }\n  }\n": typeof types.SignUpDocument,
    "\n  fragment BroadcastsTable_broadcast on Broadcast {\n    id\n    name\n    subject\n    from\n    status\n    createdAt\n    sentAt\n  }\n": typeof types.BroadcastsTable_BroadcastFragmentDoc,
    "\n  query BroadcastsPage($filter: BroadcastFilter, $first: Int, $after: String) {\n    broadcasts(filter: $filter, first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          ...BroadcastsTable_broadcast\n        }\n      }\n      pageInfo {\n        ...CursorList_pageInfo\n      }\n    }\n  }\n": typeof types.BroadcastsPageDocument,
    "\n  fragment ContactsTable_contact on Contact {\n    id\n    email\n    firstName\n    lastName\n    unsubscribed\n    createdAt\n  }\n": typeof types.ContactsTable_ContactFragmentDoc,
    "\n  query ContactsPage($filter: ContactFilter, $first: Int, $after: String) {\n    contacts(filter: $filter, first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          ...ContactsTable_contact\n        }\n      }\n      pageInfo {\n        ...CursorList_pageInfo\n      }\n    }\n  }\n": typeof types.ContactsPageDocument,
    "\n  fragment DomainsTable_domain on Domain {\n    id\n    name\n    region\n    status\n    createdAt\n  }\n": typeof types.DomainsTable_DomainFragmentDoc,
    "\n  query DomainsPage {\n    domains {\n      ...DomainsTable_domain\n    }\n  }\n": typeof types.DomainsPageDocument,
    "\n  fragment DomainRecords_domain on Domain {\n    id\n    status\n    checkedAt\n    records {\n      record\n      name\n      fqdn\n      type\n      value\n      priority\n      status\n    }\n  }\n": typeof types.DomainRecords_DomainFragmentDoc,
    "\n  query DomainDetail($id: ID!) {\n    domain(id: $id) {\n      ...DomainsTable_domain\n      ...DomainRecords_domain\n    }\n  }\n": typeof types.DomainDetailDocument,
    "\n  query SendingPolicy {\n    sendingPolicy {\n      requireVerifiedDomains\n    }\n  }\n": typeof types.SendingPolicyDocument,
    "\n  mutation CreateDomain($input: CreateDomainInput!) {\n    createDomain(input: $input) {\n      ...DomainsTable_domain\n    }\n  }\n": typeof types.CreateDomainDocument,
    "\n  mutation DeleteDomain($id: ID!) {\n    deleteDomain(id: $id)\n  }\n": typeof types.DeleteDomainDocument,
    "\n  mutation VerifyDomain($id: ID!) {\n    verifyDomain(id: $id) {\n      ...DomainsTable_domain\n      ...DomainRecords_domain\n    }\n  }\n": typeof types.VerifyDomainDocument,
    "\n  fragment EmailsTable_email on Email {\n    id\n    from\n    to\n    subject\n    status\n    error\n    createdAt\n    sentAt\n    scheduledAt\n    messageId\n    apiKeyId\n    apiKey {\n      id\n      name\n    }\n  }\n": typeof types.EmailsTable_EmailFragmentDoc,
    "\n  query EmailsPage($filter: EmailFilter, $first: Int, $after: String) {\n    emails(filter: $filter, first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          ...EmailsTable_email\n        }\n      }\n      pageInfo {\n        ...CursorList_pageInfo\n      }\n      searchedUntil\n    }\n  }\n": typeof types.EmailsPageDocument,
    "\n  query EmailDetail($id: ID!) {\n    email(id: $id) {\n      ...EmailsTable_email\n      cc\n      bcc\n      replyTo\n      html\n      text\n    }\n  }\n": typeof types.EmailDetailDocument,
    "\n  mutation CancelEmail($id: ID!) {\n    cancelEmail(id: $id) {\n      ...EmailsTable_email\n    }\n  }\n": typeof types.CancelEmailDocument,
    "\n  query ExportEstimate($input: CreateExportInput!) {\n    exportEstimate(input: $input) {\n      rowCount\n      exact\n    }\n  }\n": typeof types.ExportEstimateDocument,
    "\n  fragment ExportsTable_export on Export {\n    id\n    resource\n    status\n    filters\n    rowCount\n    estimatedRowCount\n    processedRows\n    createdAt\n    expiresAt\n    createdBy {\n      id\n      email\n    }\n  }\n": typeof types.ExportsTable_ExportFragmentDoc,
    "\n  fragment ExportDetail_export on Export {\n    ...ExportsTable_export\n    completedAt\n    downloadUrl\n    streamUrl\n    error\n    fileSizeBytes\n  }\n": typeof types.ExportDetail_ExportFragmentDoc,
    "\n  query ExportsPage($first: Int, $after: String) {\n    exports(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          ...ExportsTable_export\n        }\n      }\n      pageInfo {\n        ...CursorList_pageInfo\n      }\n    }\n  }\n": typeof types.ExportsPageDocument,
    "\n  query ExportDetail($id: ID!) {\n    export(id: $id) {\n      ...ExportDetail_export\n    }\n  }\n": typeof types.ExportDetailDocument,
    "\n  subscription ExportProgress($id: ID!) {\n    exportProgress(id: $id) {\n      ...ExportDetail_export\n    }\n  }\n": typeof types.ExportProgressDocument,
    "\n  mutation CreateExport($input: CreateExportInput!) {\n    createExport(input: $input) {\n      ...ExportDetail_export\n    }\n  }\n": typeof types.CreateExportDocument,
    "\n  fragment LogsTable_log on UsageLog {\n    id\n    method\n    endpoint\n    statusCode\n    errorName\n    errorMessage\n    durationMs\n    userAgent\n    createdAt\n    apiKeyId\n    apiKeyName\n    apiKey {\n      id\n      name\n    }\n  }\n": typeof types.LogsTable_LogFragmentDoc,
    "\n  query LogsPage($filter: UsageLogFilter, $first: Int, $after: String) {\n    usageLogs(filter: $filter, first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          ...LogsTable_log\n        }\n      }\n      pageInfo {\n        ...CursorList_pageInfo\n      }\n      searchedUntil\n    }\n    usageLogRetention {\n      days\n      oldestAt\n      oldestLogAt\n    }\n  }\n": typeof types.LogsPageDocument,
    "\n  query LogDetail($id: ID!) {\n    usageLog(id: $id) {\n      ...LogsTable_log\n      requestBody\n      responseBody\n    }\n  }\n": typeof types.LogDetailDocument,
    "\n  query TeamAdmins {\n    team {\n      id\n      members {\n        id\n        role\n        user {\n          id\n          email\n        }\n      }\n    }\n  }\n": typeof types.TeamAdminsDocument,
    "\n  fragment MembersTable_member on Member {\n    id\n    role\n    createdAt\n    user {\n      id\n      email\n    }\n  }\n": typeof types.MembersTable_MemberFragmentDoc,
    "\n  fragment InvitationsTable_invitation on Invitation {\n    id\n    email\n    role\n    createdAt\n    expiresAt\n    invitedBy {\n      id\n      email\n    }\n  }\n": typeof types.InvitationsTable_InvitationFragmentDoc,
    "\n  query TeamPage($isAdmin: Boolean!) {\n    team {\n      id\n      name\n      members {\n        ...MembersTable_member\n      }\n      invitations @include(if: $isAdmin) {\n        ...InvitationsTable_invitation\n      }\n    }\n  }\n": typeof types.TeamPageDocument,
    "\n  mutation InviteMember($input: InviteMemberInput!) {\n    inviteMember(input: $input) {\n      token\n      invitation {\n        ...InvitationsTable_invitation\n      }\n    }\n  }\n": typeof types.InviteMemberDocument,
    "\n  mutation RemoveMember($id: ID!) {\n    removeMember(id: $id)\n  }\n": typeof types.RemoveMemberDocument,
    "\n  mutation RenewInvitationLink($id: ID!) {\n    renewInvitationLink(id: $id) {\n      link\n      invitation {\n        id\n        expiresAt\n      }\n    }\n  }\n": typeof types.RenewInvitationLinkDocument,
    "\n  mutation RevokeInvitation($id: ID!) {\n    revokeInvitation(id: $id)\n  }\n": typeof types.RevokeInvitationDocument,
    "\n  mutation UpdateMemberRole($id: ID!, $role: Role!) {\n    updateMemberRole(id: $id, role: $role) {\n      ...MembersTable_member\n    }\n  }\n": typeof types.UpdateMemberRoleDocument,
};
const documents: Documents = {
    "\n  query MyTeams {\n    me {\n      id\n      teams {\n        id\n        name\n        role\n        current\n      }\n    }\n  }\n": types.MyTeamsDocument,
    "\n  mutation SwitchTeam($teamId: ID!) {\n    switchTeam(teamId: $teamId) {\n      id\n    }\n  }\n": types.SwitchTeamDocument,
    "\n  query MailRelay {\n    sendingPolicy {\n      mailRelay\n    }\n  }\n": types.MailRelayDocument,
    "\n  fragment Session_user on User {\n    id\n    email\n    role\n    team {\n      id\n      name\n    }\n  }\n": types.Session_UserFragmentDoc,
    "\n  query Session {\n    me {\n      ...Session_user\n    }\n  }\n": types.SessionDocument,
    "\n  query Thresholds {\n    thresholds {\n      inactiveAfterDays\n      expiringSoonDays\n      exportDownloadDays\n      exportInlineMaxRows\n    }\n  }\n": types.ThresholdsDocument,
    "\n  fragment CursorList_pageInfo on PageInfo {\n    hasNextPage\n    endCursor\n  }\n": types.CursorList_PageInfoFragmentDoc,
    "\n  query AccountSessions {\n    sessions {\n      id\n      current\n      teamName\n      userAgent\n      ip\n      createdAt\n      expiresAt\n    }\n  }\n": types.AccountSessionsDocument,
    "\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input)\n  }\n": types.ChangePasswordDocument,
    "\n  mutation SignOutOtherSessions {\n    signOutOtherSessions\n  }\n": types.SignOutOtherSessionsDocument,
    "\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id)\n  }\n": types.RevokeSessionDocument,
    "\n  fragment ApiKeysTable_apiKey on ApiKey {\n    id\n    name\n    permission\n    tokenStart\n    createdAt\n    lastUsedAt\n    usageStatus\n    requestCount\n    expiresAt\n    enabled\n    previousTokenStart\n    previousTokenExpiresAt\n    domain {\n      id\n      name\n    }\n  }\n": types.ApiKeysTable_ApiKeyFragmentDoc,
    "\n  fragment HealthOverview_health on ApiKeyHealth {\n    total\n    neverUsed\n    inactive\n    fullAccess\n    expiringSoon\n    disabled\n  }\n": types.HealthOverview_HealthFragmentDoc,
    "\n  query ApiKeysPage($filter: ApiKeyFilter) {\n    apiKeys(filter: $filter) {\n      ...ApiKeysTable_apiKey\n    }\n    apiKeyHealth {\n      ...HealthOverview_health\n    }\n  }\n": types.ApiKeysPageDocument,
    "\n  query ApiKeysRecentUsage($filter: ApiKeyFilter) {\n    apiKeys(filter: $filter) {\n      id\n      recentRequests\n      recentErrorRate\n    }\n  }\n": types.ApiKeysRecentUsageDocument,
    "\n  query ApiKeyDomains {\n    domains {\n      id\n      name\n    }\n  }\n": types.ApiKeyDomainsDocument,
    "\n  query ApiKeyFilterKeys {\n    apiKeys {\n      id\n      name\n    }\n  }\n": types.ApiKeyFilterKeysDocument,
    "\n  fragment RecentRequests_log on UsageLog {\n    id\n    method\n    endpoint\n    statusCode\n    durationMs\n    createdAt\n  }\n": types.RecentRequests_LogFragmentDoc,
    "\n  query ApiKeyDetail($id: ID!) {\n    apiKey(id: $id) {\n      ...ApiKeysTable_apiKey\n      updatedAt\n      createdBy {\n        id\n        email\n      }\n      usage(days: 30) {\n        date\n        requests\n        errors\n      }\n    }\n    usageLogs(filter: { apiKeyId: $id }, first: 20) {\n      edges {\n        cursor\n        node {\n          ...RecentRequests_log\n        }\n      }\n      pageInfo {\n        ...CursorList_pageInfo\n      }\n    }\n  }\n": types.ApiKeyDetailDocument,
    "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      token\n      apiKey {\n        ...ApiKeysTable_apiKey\n      }\n    }\n  }\n": types.CreateApiKeyDocument,
    "\n  mutation DeleteApiKey($id: ID!) {\n    deleteApiKey(id: $id)\n  }\n": types.DeleteApiKeyDocument,
    "\n  mutation ExpirePreviousToken($id: ID!) {\n    expirePreviousToken(id: $id) {\n      ...ApiKeysTable_apiKey\n    }\n  }\n": types.ExpirePreviousTokenDocument,
    "\n  query ApiKeyDomainTies {\n    apiKeys {\n      id\n      name\n      domain {\n        id\n      }\n    }\n  }\n": types.ApiKeyDomainTiesDocument,
    "\n  mutation RollApiKey($id: ID!, $input: RollApiKeyInput!) {\n    rollApiKey(id: $id, input: $input) {\n      token\n      apiKey {\n        ...ApiKeysTable_apiKey\n      }\n    }\n  }\n": types.RollApiKeyDocument,
    "\n  mutation UpdateApiKey($id: ID!, $input: UpdateApiKeyInput!) {\n    updateApiKey(id: $id, input: $input) {\n      ...ApiKeysTable_apiKey\n    }\n  }\n": types.UpdateApiKeyDocument,
    "\n  fragment AuditTable_event on AuditEvent {\n    id\n    action\n    actor {\n      id\n      email\n    }\n    actorApiKeyId\n    targetId\n    metadata\n    createdAt\n  }\n": types.AuditTable_EventFragmentDoc,
    "\n  query AuditPage($first: Int, $after: String) {\n    auditEvents(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          ...AuditTable_event\n        }\n      }\n      pageInfo {\n        ...CursorList_pageInfo\n      }\n    }\n  }\n": types.AuditPageDocument,
    "\n  query InvitationPreview($token: String!) {\n    invitationPreview(token: $token) {\n      teamName\n      email\n      expiresAt\n    }\n  }\n": types.InvitationPreviewDocument,
    "\n  query SignUpAllowed {\n    signUpAllowed\n  }\n": types.SignUpAllowedDocument,
    "\n  mutation AcceptInvitation($input: AcceptInvitationInput!) {\n    acceptInvitation(input: $input) {\n      ...Session_user\n    }\n  }\n": types.AcceptInvitationDocument,
    "\n  mutation RequestPasswordReset($input: RequestPasswordResetInput!) {\n    requestPasswordReset(input: $input)\n  }\n": types.RequestPasswordResetDocument,
    "\n  mutation ResetPassword($input: ResetPasswordInput!) {\n    resetPassword(input: $input) {\n      ...Session_user\n    }\n  }\n": types.ResetPasswordDocument,
    "\n  mutation SignIn($input: SignInInput!) {\n    signIn(input: $input) {\n      ...Session_user\n    }\n  }\n": types.SignInDocument,
    "\n  mutation SignOut {\n    signOut\n  }\n": types.SignOutDocument,
    "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      ...Session_user\n    }\n  }\n": types.SignUpDocument,
    "\n  fragment BroadcastsTable_broadcast on Broadcast {\n    id\n    name\n    subject\n    from\n    status\n    createdAt\n    sentAt\n  }\n": types.BroadcastsTable_BroadcastFragmentDoc,
    "\n  query BroadcastsPage($filter: BroadcastFilter, $first: Int, $after: String) {\n    broadcasts(filter: $filter, first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          ...BroadcastsTable_broadcast\n        }\n      }\n      pageInfo {\n        ...CursorList_pageInfo\n      }\n    }\n  }\n": types.BroadcastsPageDocument,
    "\n  fragment ContactsTable_contact on Contact {\n    id\n    email\n    firstName\n    lastName\n    unsubscribed\n    createdAt\n  }\n": types.ContactsTable_ContactFragmentDoc,
    "\n  query ContactsPage($filter: ContactFilter, $first: Int, $after: String) {\n    contacts(filter: $filter, first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          ...ContactsTable_contact\n        }\n      }\n      pageInfo {\n        ...CursorList_pageInfo\n      }\n    }\n  }\n": types.ContactsPageDocument,
    "\n  fragment DomainsTable_domain on Domain {\n    id\n    name\n    region\n    status\n    createdAt\n  }\n": types.DomainsTable_DomainFragmentDoc,
    "\n  query DomainsPage {\n    domains {\n      ...DomainsTable_domain\n    }\n  }\n": types.DomainsPageDocument,
    "\n  fragment DomainRecords_domain on Domain {\n    id\n    status\n    checkedAt\n    records {\n      record\n      name\n      fqdn\n      type\n      value\n      priority\n      status\n    }\n  }\n": types.DomainRecords_DomainFragmentDoc,
    "\n  query DomainDetail($id: ID!) {\n    domain(id: $id) {\n      ...DomainsTable_domain\n      ...DomainRecords_domain\n    }\n  }\n": types.DomainDetailDocument,
    "\n  query SendingPolicy {\n    sendingPolicy {\n      requireVerifiedDomains\n    }\n  }\n": types.SendingPolicyDocument,
    "\n  mutation CreateDomain($input: CreateDomainInput!) {\n    createDomain(input: $input) {\n      ...DomainsTable_domain\n    }\n  }\n": types.CreateDomainDocument,
    "\n  mutation DeleteDomain($id: ID!) {\n    deleteDomain(id: $id)\n  }\n": types.DeleteDomainDocument,
    "\n  mutation VerifyDomain($id: ID!) {\n    verifyDomain(id: $id) {\n      ...DomainsTable_domain\n      ...DomainRecords_domain\n    }\n  }\n": types.VerifyDomainDocument,
    "\n  fragment EmailsTable_email on Email {\n    id\n    from\n    to\n    subject\n    status\n    error\n    createdAt\n    sentAt\n    scheduledAt\n    messageId\n    apiKeyId\n    apiKey {\n      id\n      name\n    }\n  }\n": types.EmailsTable_EmailFragmentDoc,
    "\n  query EmailsPage($filter: EmailFilter, $first: Int, $after: String) {\n    emails(filter: $filter, first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          ...EmailsTable_email\n        }\n      }\n      pageInfo {\n        ...CursorList_pageInfo\n      }\n      searchedUntil\n    }\n  }\n": types.EmailsPageDocument,
    "\n  query EmailDetail($id: ID!) {\n    email(id: $id) {\n      ...EmailsTable_email\n      cc\n      bcc\n      replyTo\n      html\n      text\n    }\n  }\n": types.EmailDetailDocument,
    "\n  mutation CancelEmail($id: ID!) {\n    cancelEmail(id: $id) {\n      ...EmailsTable_email\n    }\n  }\n": types.CancelEmailDocument,
    "\n  query ExportEstimate($input: CreateExportInput!) {\n    exportEstimate(input: $input) {\n      rowCount\n      exact\n    }\n  }\n": types.ExportEstimateDocument,
    "\n  fragment ExportsTable_export on Export {\n    id\n    resource\n    status\n    filters\n    rowCount\n    estimatedRowCount\n    processedRows\n    createdAt\n    expiresAt\n    createdBy {\n      id\n      email\n    }\n  }\n": types.ExportsTable_ExportFragmentDoc,
    "\n  fragment ExportDetail_export on Export {\n    ...ExportsTable_export\n    completedAt\n    downloadUrl\n    streamUrl\n    error\n    fileSizeBytes\n  }\n": types.ExportDetail_ExportFragmentDoc,
    "\n  query ExportsPage($first: Int, $after: String) {\n    exports(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          ...ExportsTable_export\n        }\n      }\n      pageInfo {\n        ...CursorList_pageInfo\n      }\n    }\n  }\n": types.ExportsPageDocument,
    "\n  query ExportDetail($id: ID!) {\n    export(id: $id) {\n      ...ExportDetail_export\n    }\n  }\n": types.ExportDetailDocument,
    "\n  subscription ExportProgress($id: ID!) {\n    exportProgress(id: $id) {\n      ...ExportDetail_export\n    }\n  }\n": types.ExportProgressDocument,
    "\n  mutation CreateExport($input: CreateExportInput!) {\n    createExport(input: $input) {\n      ...ExportDetail_export\n    }\n  }\n": types.CreateExportDocument,
    "\n  fragment LogsTable_log on UsageLog {\n    id\n    method\n    endpoint\n    statusCode\n    errorName\n    errorMessage\n    durationMs\n    userAgent\n    createdAt\n    apiKeyId\n    apiKeyName\n    apiKey {\n      id\n      name\n    }\n  }\n": types.LogsTable_LogFragmentDoc,
    "\n  query LogsPage($filter: UsageLogFilter, $first: Int, $after: String) {\n    usageLogs(filter: $filter, first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          ...LogsTable_log\n        }\n      }\n      pageInfo {\n        ...CursorList_pageInfo\n      }\n      searchedUntil\n    }\n    usageLogRetention {\n      days\n      oldestAt\n      oldestLogAt\n    }\n  }\n": types.LogsPageDocument,
    "\n  query LogDetail($id: ID!) {\n    usageLog(id: $id) {\n      ...LogsTable_log\n      requestBody\n      responseBody\n    }\n  }\n": types.LogDetailDocument,
    "\n  query TeamAdmins {\n    team {\n      id\n      members {\n        id\n        role\n        user {\n          id\n          email\n        }\n      }\n    }\n  }\n": types.TeamAdminsDocument,
    "\n  fragment MembersTable_member on Member {\n    id\n    role\n    createdAt\n    user {\n      id\n      email\n    }\n  }\n": types.MembersTable_MemberFragmentDoc,
    "\n  fragment InvitationsTable_invitation on Invitation {\n    id\n    email\n    role\n    createdAt\n    expiresAt\n    invitedBy {\n      id\n      email\n    }\n  }\n": types.InvitationsTable_InvitationFragmentDoc,
    "\n  query TeamPage($isAdmin: Boolean!) {\n    team {\n      id\n      name\n      members {\n        ...MembersTable_member\n      }\n      invitations @include(if: $isAdmin) {\n        ...InvitationsTable_invitation\n      }\n    }\n  }\n": types.TeamPageDocument,
    "\n  mutation InviteMember($input: InviteMemberInput!) {\n    inviteMember(input: $input) {\n      token\n      invitation {\n        ...InvitationsTable_invitation\n      }\n    }\n  }\n": types.InviteMemberDocument,
    "\n  mutation RemoveMember($id: ID!) {\n    removeMember(id: $id)\n  }\n": types.RemoveMemberDocument,
    "\n  mutation RenewInvitationLink($id: ID!) {\n    renewInvitationLink(id: $id) {\n      link\n      invitation {\n        id\n        expiresAt\n      }\n    }\n  }\n": types.RenewInvitationLinkDocument,
    "\n  mutation RevokeInvitation($id: ID!) {\n    revokeInvitation(id: $id)\n  }\n": types.RevokeInvitationDocument,
    "\n  mutation UpdateMemberRole($id: ID!, $role: Role!) {\n    updateMemberRole(id: $id, role: $role) {\n      ...MembersTable_member\n    }\n  }\n": types.UpdateMemberRoleDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyTeams {\n    me {\n      id\n      teams {\n        id\n        name\n        role\n        current\n      }\n    }\n  }\n"): (typeof documents)["\n  query MyTeams {\n    me {\n      id\n      teams {\n        id\n        name\n        role\n        current\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SwitchTeam($teamId: ID!) {\n    switchTeam(teamId: $teamId) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation SwitchTeam($teamId: ID!) {\n    switchTeam(teamId: $teamId) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MailRelay {\n    sendingPolicy {\n      mailRelay\n    }\n  }\n"): (typeof documents)["\n  query MailRelay {\n    sendingPolicy {\n      mailRelay\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment Session_user on User {\n    id\n    email\n    role\n    team {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  fragment Session_user on User {\n    id\n    email\n    role\n    team {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Session {\n    me {\n      ...Session_user\n    }\n  }\n"): (typeof documents)["\n  query Session {\n    me {\n      ...Session_user\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Thresholds {\n    thresholds {\n      inactiveAfterDays\n      expiringSoonDays\n      exportDownloadDays\n      exportInlineMaxRows\n    }\n  }\n"): (typeof documents)["\n  query Thresholds {\n    thresholds {\n      inactiveAfterDays\n      expiringSoonDays\n      exportDownloadDays\n      exportInlineMaxRows\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CursorList_pageInfo on PageInfo {\n    hasNextPage\n    endCursor\n  }\n"): (typeof documents)["\n  fragment CursorList_pageInfo on PageInfo {\n    hasNextPage\n    endCursor\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AccountSessions {\n    sessions {\n      id\n      current\n      teamName\n      userAgent\n      ip\n      createdAt\n      expiresAt\n    }\n  }\n"): (typeof documents)["\n  query AccountSessions {\n    sessions {\n      id\n      current\n      teamName\n      userAgent\n      ip\n      createdAt\n      expiresAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input)\n  }\n"): (typeof documents)["\n  mutation ChangePassword($input: ChangePasswordInput!) {\n    changePassword(input: $input)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignOutOtherSessions {\n    signOutOtherSessions\n  }\n"): (typeof documents)["\n  mutation SignOutOtherSessions {\n    signOutOtherSessions\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id)\n  }\n"): (typeof documents)["\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ApiKeysTable_apiKey on ApiKey {\n    id\n    name\n    permission\n    tokenStart\n    createdAt\n    lastUsedAt\n    usageStatus\n    requestCount\n    expiresAt\n    enabled\n    previousTokenStart\n    previousTokenExpiresAt\n    domain {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  fragment ApiKeysTable_apiKey on ApiKey {\n    id\n    name\n    permission\n    tokenStart\n    createdAt\n    lastUsedAt\n    usageStatus\n    requestCount\n    expiresAt\n    enabled\n    previousTokenStart\n    previousTokenExpiresAt\n    domain {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment HealthOverview_health on ApiKeyHealth {\n    total\n    neverUsed\n    inactive\n    fullAccess\n    expiringSoon\n    disabled\n  }\n"): (typeof documents)["\n  fragment HealthOverview_health on ApiKeyHealth {\n    total\n    neverUsed\n    inactive\n    fullAccess\n    expiringSoon\n    disabled\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ApiKeysPage($filter: ApiKeyFilter) {\n    apiKeys(filter: $filter) {\n      ...ApiKeysTable_apiKey\n    }\n    apiKeyHealth {\n      ...HealthOverview_health\n    }\n  }\n"): (typeof documents)["\n  query ApiKeysPage($filter: ApiKeyFilter) {\n    apiKeys(filter: $filter) {\n      ...ApiKeysTable_apiKey\n    }\n    apiKeyHealth {\n      ...HealthOverview_health\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ApiKeysRecentUsage($filter: ApiKeyFilter) {\n    apiKeys(filter: $filter) {\n      id\n      recentRequests\n      recentErrorRate\n    }\n  }\n"): (typeof documents)["\n  query ApiKeysRecentUsage($filter: ApiKeyFilter) {\n    apiKeys(filter: $filter) {\n      id\n      recentRequests\n      recentErrorRate\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ApiKeyDomains {\n    domains {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  query ApiKeyDomains {\n    domains {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ApiKeyFilterKeys {\n    apiKeys {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  query ApiKeyFilterKeys {\n    apiKeys {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment RecentRequests_log on UsageLog {\n    id\n    method\n    endpoint\n    statusCode\n    durationMs\n    createdAt\n  }\n"): (typeof documents)["\n  fragment RecentRequests_log on UsageLog {\n    id\n    method\n    endpoint\n    statusCode\n    durationMs\n    createdAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ApiKeyDetail($id: ID!) {\n    apiKey(id: $id) {\n      ...ApiKeysTable_apiKey\n      updatedAt\n      createdBy {\n        id\n        email\n      }\n      usage(days: 30) {\n        date\n        requests\n        errors\n      }\n    }\n    usageLogs(filter: { apiKeyId: $id }, first: 20) {\n      edges {\n        cursor\n        node {\n          ...RecentRequests_log\n        }\n      }\n      pageInfo {\n        ...CursorList_pageInfo\n      }\n    }\n  }\n"): (typeof documents)["\n  query ApiKeyDetail($id: ID!) {\n    apiKey(id: $id) {\n      ...ApiKeysTable_apiKey\n      updatedAt\n      createdBy {\n        id\n        email\n      }\n      usage(days: 30) {\n        date\n        requests\n        errors\n      }\n    }\n    usageLogs(filter: { apiKeyId: $id }, first: 20) {\n      edges {\n        cursor\n        node {\n          ...RecentRequests_log\n        }\n      }\n      pageInfo {\n        ...CursorList_pageInfo\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      token\n      apiKey {\n        ...ApiKeysTable_apiKey\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateApiKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) {\n      token\n      apiKey {\n        ...ApiKeysTable_apiKey\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteApiKey($id: ID!) {\n    deleteApiKey(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteApiKey($id: ID!) {\n    deleteApiKey(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ExpirePreviousToken($id: ID!) {\n    expirePreviousToken(id: $id) {\n      ...ApiKeysTable_apiKey\n    }\n  }\n"): (typeof documents)["\n  mutation ExpirePreviousToken($id: ID!) {\n    expirePreviousToken(id: $id) {\n      ...ApiKeysTable_apiKey\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ApiKeyDomainTies {\n    apiKeys {\n      id\n      name\n      domain {\n        id\n      }\n    }\n  }\n"): (typeof documents)["\n  query ApiKeyDomainTies {\n    apiKeys {\n      id\n      name\n      domain {\n        id\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RollApiKey($id: ID!, $input: RollApiKeyInput!) {\n    rollApiKey(id: $id, input: $input) {\n      token\n      apiKey {\n        ...ApiKeysTable_apiKey\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RollApiKey($id: ID!, $input: RollApiKeyInput!) {\n    rollApiKey(id: $id, input: $input) {\n      token\n      apiKey {\n        ...ApiKeysTable_apiKey\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateApiKey($id: ID!, $input: UpdateApiKeyInput!) {\n    updateApiKey(id: $id, input: $input) {\n      ...ApiKeysTable_apiKey\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateApiKey($id: ID!, $input: UpdateApiKeyInput!) {\n    updateApiKey(id: $id, input: $input) {\n      ...ApiKeysTable_apiKey\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AuditTable_event on AuditEvent {\n    id\n    action\n    actor {\n      id\n      email\n    }\n    actorApiKeyId\n    targetId\n    metadata\n    createdAt\n  }\n"): (typeof documents)["\n  fragment AuditTable_event on AuditEvent {\n    id\n    action\n    actor {\n      id\n      email\n    }\n    actorApiKeyId\n    targetId\n    metadata\n    createdAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditPage($first: Int, $after: String) {\n    auditEvents(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          ...AuditTable_event\n        }\n      }\n      pageInfo {\n        ...CursorList_pageInfo\n      }\n    }\n  }\n"): (typeof documents)["\n  query AuditPage($first: Int, $after: String) {\n    auditEvents(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          ...AuditTable_event\n        }\n      }\n      pageInfo {\n        ...CursorList_pageInfo\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query InvitationPreview($token: String!) {\n    invitationPreview(token: $token) {\n      teamName\n      email\n      expiresAt\n    }\n  }\n"): (typeof documents)["\n  query InvitationPreview($token: String!) {\n    invitationPreview(token: $token) {\n      teamName\n      email\n      expiresAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SignUpAllowed {\n    signUpAllowed\n  }\n"): (typeof documents)["\n  query SignUpAllowed {\n    signUpAllowed\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AcceptInvitation($input: AcceptInvitationInput!) {\n    acceptInvitation(input: $input) {\n      ...Session_user\n    }\n  }\n"): (typeof documents)["\n  mutation AcceptInvitation($input: AcceptInvitationInput!) {\n    acceptInvitation(input: $input) {\n      ...Session_user\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RequestPasswordReset($input: RequestPasswordResetInput!) {\n    requestPasswordReset(input: $input)\n  }\n"): (typeof documents)["\n  mutation RequestPasswordReset($input: RequestPasswordResetInput!) {\n    requestPasswordReset(input: $input)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResetPassword($input: ResetPasswordInput!) {\n    resetPassword(input: $input) {\n      ...Session_user\n    }\n  }\n"): (typeof documents)["\n  mutation ResetPassword($input: ResetPasswordInput!) {\n    resetPassword(input: $input) {\n      ...Session_user\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignIn($input: SignInInput!) {\n    signIn(input: $input) {\n      ...Session_user\n    }\n  }\n"): (typeof documents)["\n  mutation SignIn($input: SignInInput!) {\n    signIn(input: $input) {\n      ...Session_user\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignOut {\n    signOut\n  }\n"): (typeof documents)["\n  mutation SignOut {\n    signOut\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      ...Session_user\n    }\n  }\n"): (typeof documents)["\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) {\n      ...Session_user\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment BroadcastsTable_broadcast on Broadcast {\n    id\n    name\n    subject\n    from\n    status\n    createdAt\n    sentAt\n  }\n"): (typeof documents)["\n  fragment BroadcastsTable_broadcast on Broadcast {\n    id\n    name\n    subject\n    from\n    status\n    createdAt\n    sentAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BroadcastsPage($filter: BroadcastFilter, $first: Int, $after: String) {\n    broadcasts(filter: $filter, first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          ...BroadcastsTable_broadcast\n        }\n      }\n      pageInfo {\n        ...CursorList_pageInfo\n      }\n    }\n  }\n"): (typeof documents)["\n  query BroadcastsPage($filter: BroadcastFilter, $first: Int, $after: String) {\n    broadcasts(filter: $filter, first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          ...BroadcastsTable_broadcast\n        }\n      }\n      pageInfo {\n        ...CursorList_pageInfo\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ContactsTable_contact on Contact {\n    id\n    email\n    firstName\n    lastName\n    unsubscribed\n    createdAt\n  }\n"): (typeof documents)["\n  fragment ContactsTable_contact on Contact {\n    id\n    email\n    firstName\n    lastName\n    unsubscribed\n    createdAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ContactsPage($filter: ContactFilter, $first: Int, $after: String) {\n    contacts(filter: $filter, first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          ...ContactsTable_contact\n        }\n      }\n      pageInfo {\n        ...CursorList_pageInfo\n      }\n    }\n  }\n"): (typeof documents)["\n  query ContactsPage($filter: ContactFilter, $first: Int, $after: String) {\n    contacts(filter: $filter, first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          ...ContactsTable_contact\n        }\n      }\n      pageInfo {\n        ...CursorList_pageInfo\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DomainsTable_domain on Domain {\n    id\n    name\n    region\n    status\n    createdAt\n  }\n"): (typeof documents)["\n  fragment DomainsTable_domain on Domain {\n    id\n    name\n    region\n    status\n    createdAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DomainsPage {\n    domains {\n      ...DomainsTable_domain\n    }\n  }\n"): (typeof documents)["\n  query DomainsPage {\n    domains {\n      ...DomainsTable_domain\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment DomainRecords_domain on Domain {\n    id\n    status\n    checkedAt\n    records {\n      record\n      name\n      fqdn\n      type\n      value\n      priority\n      status\n    }\n  }\n"): (typeof documents)["\n  fragment DomainRecords_domain on Domain {\n    id\n    status\n    checkedAt\n    records {\n      record\n      name\n      fqdn\n      type\n      value\n      priority\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DomainDetail($id: ID!) {\n    domain(id: $id) {\n      ...DomainsTable_domain\n      ...DomainRecords_domain\n    }\n  }\n"): (typeof documents)["\n  query DomainDetail($id: ID!) {\n    domain(id: $id) {\n      ...DomainsTable_domain\n      ...DomainRecords_domain\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SendingPolicy {\n    sendingPolicy {\n      requireVerifiedDomains\n    }\n  }\n"): (typeof documents)["\n  query SendingPolicy {\n    sendingPolicy {\n      requireVerifiedDomains\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateDomain($input: CreateDomainInput!) {\n    createDomain(input: $input) {\n      ...DomainsTable_domain\n    }\n  }\n"): (typeof documents)["\n  mutation CreateDomain($input: CreateDomainInput!) {\n    createDomain(input: $input) {\n      ...DomainsTable_domain\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteDomain($id: ID!) {\n    deleteDomain(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteDomain($id: ID!) {\n    deleteDomain(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation VerifyDomain($id: ID!) {\n    verifyDomain(id: $id) {\n      ...DomainsTable_domain\n      ...DomainRecords_domain\n    }\n  }\n"): (typeof documents)["\n  mutation VerifyDomain($id: ID!) {\n    verifyDomain(id: $id) {\n      ...DomainsTable_domain\n      ...DomainRecords_domain\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment EmailsTable_email on Email {\n    id\n    from\n    to\n    subject\n    status\n    error\n    createdAt\n    sentAt\n    scheduledAt\n    messageId\n    apiKeyId\n    apiKey {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  fragment EmailsTable_email on Email {\n    id\n    from\n    to\n    subject\n    status\n    error\n    createdAt\n    sentAt\n    scheduledAt\n    messageId\n    apiKeyId\n    apiKey {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EmailsPage($filter: EmailFilter, $first: Int, $after: String) {\n    emails(filter: $filter, first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          ...EmailsTable_email\n        }\n      }\n      pageInfo {\n        ...CursorList_pageInfo\n      }\n      searchedUntil\n    }\n  }\n"): (typeof documents)["\n  query EmailsPage($filter: EmailFilter, $first: Int, $after: String) {\n    emails(filter: $filter, first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          ...EmailsTable_email\n        }\n      }\n      pageInfo {\n        ...CursorList_pageInfo\n      }\n      searchedUntil\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EmailDetail($id: ID!) {\n    email(id: $id) {\n      ...EmailsTable_email\n      cc\n      bcc\n      replyTo\n      html\n      text\n    }\n  }\n"): (typeof documents)["\n  query EmailDetail($id: ID!) {\n    email(id: $id) {\n      ...EmailsTable_email\n      cc\n      bcc\n      replyTo\n      html\n      text\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelEmail($id: ID!) {\n    cancelEmail(id: $id) {\n      ...EmailsTable_email\n    }\n  }\n"): (typeof documents)["\n  mutation CancelEmail($id: ID!) {\n    cancelEmail(id: $id) {\n      ...EmailsTable_email\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExportEstimate($input: CreateExportInput!) {\n    exportEstimate(input: $input) {\n      rowCount\n      exact\n    }\n  }\n"): (typeof documents)["\n  query ExportEstimate($input: CreateExportInput!) {\n    exportEstimate(input: $input) {\n      rowCount\n      exact\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ExportsTable_export on Export {\n    id\n    resource\n    status\n    filters\n    rowCount\n    estimatedRowCount\n    processedRows\n    createdAt\n    expiresAt\n    createdBy {\n      id\n      email\n    }\n  }\n"): (typeof documents)["\n  fragment ExportsTable_export on Export {\n    id\n    resource\n    status\n    filters\n    rowCount\n    estimatedRowCount\n    processedRows\n    createdAt\n    expiresAt\n    createdBy {\n      id\n      email\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ExportDetail_export on Export {\n    ...ExportsTable_export\n    completedAt\n    downloadUrl\n    streamUrl\n    error\n    fileSizeBytes\n  }\n"): (typeof documents)["\n  fragment ExportDetail_export on Export {\n    ...ExportsTable_export\n    completedAt\n    downloadUrl\n    streamUrl\n    error\n    fileSizeBytes\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExportsPage($first: Int, $after: String) {\n    exports(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          ...ExportsTable_export\n        }\n      }\n      pageInfo {\n        ...CursorList_pageInfo\n      }\n    }\n  }\n"): (typeof documents)["\n  query ExportsPage($first: Int, $after: String) {\n    exports(first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          ...ExportsTable_export\n        }\n      }\n      pageInfo {\n        ...CursorList_pageInfo\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExportDetail($id: ID!) {\n    export(id: $id) {\n      ...ExportDetail_export\n    }\n  }\n"): (typeof documents)["\n  query ExportDetail($id: ID!) {\n    export(id: $id) {\n      ...ExportDetail_export\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ExportProgress($id: ID!) {\n    exportProgress(id: $id) {\n      ...ExportDetail_export\n    }\n  }\n"): (typeof documents)["\n  subscription ExportProgress($id: ID!) {\n    exportProgress(id: $id) {\n      ...ExportDetail_export\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateExport($input: CreateExportInput!) {\n    createExport(input: $input) {\n      ...ExportDetail_export\n    }\n  }\n"): (typeof documents)["\n  mutation CreateExport($input: CreateExportInput!) {\n    createExport(input: $input) {\n      ...ExportDetail_export\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment LogsTable_log on UsageLog {\n    id\n    method\n    endpoint\n    statusCode\n    errorName\n    errorMessage\n    durationMs\n    userAgent\n    createdAt\n    apiKeyId\n    apiKeyName\n    apiKey {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  fragment LogsTable_log on UsageLog {\n    id\n    method\n    endpoint\n    statusCode\n    errorName\n    errorMessage\n    durationMs\n    userAgent\n    createdAt\n    apiKeyId\n    apiKeyName\n    apiKey {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query LogsPage($filter: UsageLogFilter, $first: Int, $after: String) {\n    usageLogs(filter: $filter, first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          ...LogsTable_log\n        }\n      }\n      pageInfo {\n        ...CursorList_pageInfo\n      }\n      searchedUntil\n    }\n    usageLogRetention {\n      days\n      oldestAt\n      oldestLogAt\n    }\n  }\n"): (typeof documents)["\n  query LogsPage($filter: UsageLogFilter, $first: Int, $after: String) {\n    usageLogs(filter: $filter, first: $first, after: $after) {\n      edges {\n        cursor\n        node {\n          ...LogsTable_log\n        }\n      }\n      pageInfo {\n        ...CursorList_pageInfo\n      }\n      searchedUntil\n    }\n    usageLogRetention {\n      days\n      oldestAt\n      oldestLogAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query LogDetail($id: ID!) {\n    usageLog(id: $id) {\n      ...LogsTable_log\n      requestBody\n      responseBody\n    }\n  }\n"): (typeof documents)["\n  query LogDetail($id: ID!) {\n    usageLog(id: $id) {\n      ...LogsTable_log\n      requestBody\n      responseBody\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TeamAdmins {\n    team {\n      id\n      members {\n        id\n        role\n        user {\n          id\n          email\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query TeamAdmins {\n    team {\n      id\n      members {\n        id\n        role\n        user {\n          id\n          email\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment MembersTable_member on Member {\n    id\n    role\n    createdAt\n    user {\n      id\n      email\n    }\n  }\n"): (typeof documents)["\n  fragment MembersTable_member on Member {\n    id\n    role\n    createdAt\n    user {\n      id\n      email\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment InvitationsTable_invitation on Invitation {\n    id\n    email\n    role\n    createdAt\n    expiresAt\n    invitedBy {\n      id\n      email\n    }\n  }\n"): (typeof documents)["\n  fragment InvitationsTable_invitation on Invitation {\n    id\n    email\n    role\n    createdAt\n    expiresAt\n    invitedBy {\n      id\n      email\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TeamPage($isAdmin: Boolean!) {\n    team {\n      id\n      name\n      members {\n        ...MembersTable_member\n      }\n      invitations @include(if: $isAdmin) {\n        ...InvitationsTable_invitation\n      }\n    }\n  }\n"): (typeof documents)["\n  query TeamPage($isAdmin: Boolean!) {\n    team {\n      id\n      name\n      members {\n        ...MembersTable_member\n      }\n      invitations @include(if: $isAdmin) {\n        ...InvitationsTable_invitation\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation InviteMember($input: InviteMemberInput!) {\n    inviteMember(input: $input) {\n      token\n      invitation {\n        ...InvitationsTable_invitation\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation InviteMember($input: InviteMemberInput!) {\n    inviteMember(input: $input) {\n      token\n      invitation {\n        ...InvitationsTable_invitation\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveMember($id: ID!) {\n    removeMember(id: $id)\n  }\n"): (typeof documents)["\n  mutation RemoveMember($id: ID!) {\n    removeMember(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RenewInvitationLink($id: ID!) {\n    renewInvitationLink(id: $id) {\n      link\n      invitation {\n        id\n        expiresAt\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RenewInvitationLink($id: ID!) {\n    renewInvitationLink(id: $id) {\n      link\n      invitation {\n        id\n        expiresAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeInvitation($id: ID!) {\n    revokeInvitation(id: $id)\n  }\n"): (typeof documents)["\n  mutation RevokeInvitation($id: ID!) {\n    revokeInvitation(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateMemberRole($id: ID!, $role: Role!) {\n    updateMemberRole(id: $id, role: $role) {\n      ...MembersTable_member\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateMemberRole($id: ID!, $role: Role!) {\n    updateMemberRole(id: $id, role: $role) {\n      ...MembersTable_member\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;