import type { ContactsTable_ContactFragment } from '../../../gql/graphql';
import { Badge } from '../../../ui/Badge';
import { RelativeTime } from '../../../ui/RelativeTime';
import { type Column, Table } from '../../../ui/Table';
import { UserText } from '../../../ui/UserText';

const fullName = (c: ContactsTable_ContactFragment) => [c.firstName, c.lastName].filter(Boolean).join(' ');

export function ContactsTable({ contacts }: { contacts: readonly ContactsTable_ContactFragment[] }) {
  const columns: Column<ContactsTable_ContactFragment>[] = [
    {
      header: 'Email',
      cell: (c) => (
        <span className="cell-strong" dir="auto">
          {c.email}
        </span>
      ),
    },
    { header: 'Name', cell: (c) => (fullName(c) ? <UserText>{fullName(c)}</UserText> : '—') },
    {
      header: 'Status',
      cell: (c) => (c.unsubscribed ? <Badge tone="yellow">Unsubscribed</Badge> : <Badge tone="green">Subscribed</Badge>),
    },
    { header: 'Added', cell: (c) => <RelativeTime value={c.createdAt} /> },
  ];
  return <Table label="Contacts" columns={columns} rows={contacts} rowKey={(c) => c.id} />;
}
