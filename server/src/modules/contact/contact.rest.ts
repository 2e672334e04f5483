import type { Request } from 'express';
import { type Body, onlyFields, optionalBoolean, optionalString, requiredString, unsupported } from '../../rest/body.js';
import { param, type RestRoute } from '../../rest/http.js';
import { queryBoolean, queryDateRange, queryString, withQueryNames } from '../../rest/query.js';
import { actionRoute, bodyRoute, getRoute, listRoute } from '../../rest/resource.js';
import { Contact } from './contact.entity.js';
import { contactWhere, createContact, deleteContact, getContact, updateContact } from './contact.service.js';

const contactJson = (c: Contact) => ({
  id: c.id,
  email: c.email,
  first_name: c.firstName ?? null,
  last_name: c.lastName ?? null,
  unsubscribed: c.unsubscribed,
  created_at: c.createdAt.toISOString(),
});

const nonEmpty = (v: unknown) => v !== undefined && v !== null && (typeof v !== 'object' || (Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0));

// Custom properties, segments and topics do not exist here: refuse them rather than lose them.
function refuseUnsupported(body: Body, known: readonly string[]) {
  onlyFields(body, known, CONTACT_FIELDS_NOT_OFFERED);
  unsupported(body, 'properties', 'Keyring does not support `properties`: contact properties are not offered.', nonEmpty);
  unsupported(body, 'segments', 'Keyring does not support `segments`: segments are not offered.', nonEmpty);
  unsupported(body, 'topics', 'Keyring does not support `topics`: topics are not offered.', nonEmpty);
}

const CONTACT_FIELDS_NOT_OFFERED: Readonly<Record<string, string>> = {
  audience_id: 'audiences (segments) are not offered.',
  email: "a contact's address cannot be changed; create a contact with the new address.",
};

const idOrEmail = (req: Request) => param(req, 'idOrEmail');

/** The filters of the dashboard's Contacts page and of `contacts(filter:)`: `search`, `unsubscribed`, `from`, `to`. */
function listWhere(teamId: string, req: Request) {
  const filter = { unsubscribed: queryBoolean(req, 'unsubscribed'), search: queryString(req, 'search'), ...queryDateRange(req) };
  return withQueryNames({}, () => contactWhere(teamId, filter));
}

export const contactRoutes: RestRoute[] = [
  bodyRoute('post', '/contacts', async (body, ctx) => {
    const input = {
      email: requiredString(body, 'email'),
      firstName: optionalString(body, 'first_name', { nullable: true }),
      lastName: optionalString(body, 'last_name', { nullable: true }),
      unsubscribed: optionalBoolean(body, 'unsubscribed'),
    };
    refuseUnsupported(body, ['email', 'first_name', 'last_name', 'unsubscribed', 'properties', 'segments', 'topics']);
    const contact = await createContact(ctx.em, ctx.key, input);
    return { object: 'contact', id: contact.id };
  }),
  listRoute('/contacts', Contact, listWhere, contactJson, { scope: (team) => ({ team }), wholeByDefault: true }),
  getRoute('/contacts/:idOrEmail', getContact, (c) => ({ object: 'contact', ...contactJson(c), properties: {} })),
  bodyRoute('patch', '/contacts/:idOrEmail', async (body, ctx, req) => {
    const input = {
      firstName: optionalString(body, 'first_name', { nullable: true }),
      lastName: optionalString(body, 'last_name', { nullable: true }),
      unsubscribed: optionalBoolean(body, 'unsubscribed'),
    };
    refuseUnsupported(body, ['first_name', 'last_name', 'unsubscribed', 'properties']);
    return { object: 'contact', id: await updateContact(ctx.em, ctx.key, idOrEmail(req), input) };
  }),
  actionRoute('delete', '/contacts/:idOrEmail', async (ctx, idOrEmail) => {
    const id = await deleteContact(ctx.em, ctx.key, idOrEmail);
    return { object: 'contact', id, contact: id, deleted: true };
  }),
];
