import { raw } from '@mikro-orm/postgresql';
import { cell, copySql, iso, jsonFilter, list, type ResourceExport } from '../../lib/export-resource.js';
import { Email } from './email.entity.js';
import { EmailFilter } from './email.filter.js';
import { emailWhere } from './email.service.js';

/** EMAILS: the Emails page's list (emailWhere), with the REST API's field names and values as columns (`sending` is queued, as emailJson says). */
export const emailExport: ResourceExport<EmailFilter> = {
  json: jsonFilter('EMAILS', EmailFilter),
  query: (em, teamId, f) =>
    copySql(
      em
        .createQueryBuilder(Email, 'e')
        .select([
          raw(`e.id, ${cell('e."from"')} as "from", ${list('e."to"')} as "to", ${list('e.cc')} as cc, ${list('e.bcc')} as bcc,
               ${list('e.reply_to')} as reply_to, ${cell('e.subject')} as subject,
               case e.status when 'sending' then 'queued' else e.status end as last_event,
               ${iso('e.created_at')} as created_at, ${iso('e.sent_at')} as sent_at, e.api_key_id,
               (select ${cell('k.name')} from api_key k where k.id = e.api_key_id and k.team_id = e.team_id) as api_key_name`),
        ])
        .where(emailWhere(teamId, f))
        .orderBy({ createdAt: 'desc', id: 'desc' }),
    ),
};
