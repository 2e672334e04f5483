import { ApiKey } from '../modules/api-key/api-key.entity.js';
import { AuditEvent } from '../modules/audit/audit-event.entity.js';
import { Session } from '../modules/auth/session.entity.js';
import { Broadcast } from '../modules/broadcast/broadcast.entity.js';
import { Contact } from '../modules/contact/contact.entity.js';
import { Domain } from '../modules/domain/domain.entity.js';
import { Email } from '../modules/email/email.entity.js';
import { Export } from '../modules/export/export.entity.js';
import { OutboxMessage } from '../modules/mail/outbox.entity.js';
import { Invitation, Membership, Team, User } from '../modules/team/team.entity.js';
import { UsageLog } from '../modules/usage-log/usage-log.entity.js';

// Listed explicitly: no globbing, so every runner (tsx, vitest, node dist) sees the same set.
export const entities = [Team, User, Membership, Invitation, Session, Domain, ApiKey, UsageLog, Email, Export, OutboxMessage, AuditEvent, Contact, Broadcast];
