import { raw } from '@mikro-orm/postgresql';
import { cell, copySql, iso, jsonFilter, type ResourceExport } from '../../lib/export-resource.js';
import { Contact } from './contact.entity.js';
import { ContactFilter } from './contact.filter.js';
import { contactWhere } from './contact.service.js';

/** CONTACTS: the Contacts page's list (contactWhere). */
export const contactExport: ResourceExport<ContactFilter> = {
  json: jsonFilter('CONTACTS', ContactFilter),
  query: (em, teamId, f) =>
    copySql(
      em
        .createQueryBuilder(Contact, 'c')
        .select([
          raw(`c.id, ${cell('c.email')} as email, ${cell('c.first_name')} as first_name, ${cell('c.last_name')} as last_name,
               c.unsubscribed::text as unsubscribed, ${iso('c.created_at')} as created_at`),
        ])
        .where(contactWhere(teamId, f))
        .orderBy({ createdAt: 'desc', id: 'desc' }),
    ),
};
