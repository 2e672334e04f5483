import type { ExportStatus } from '../../../gql/graphql';
import { Badge, type BadgeTone } from '../../../ui/Badge';

const STATUS: Record<ExportStatus, { label: string; tone: BadgeTone }> = {
  PROCESSING: { label: 'Processing', tone: 'blue' },
  READY: { label: 'Ready', tone: 'green' },
  FAILED: { label: 'Failed', tone: 'red' },
  EXPIRED: { label: 'Expired', tone: 'neutral' },
};

export function ExportStatusBadge({ status }: { status: ExportStatus }) {
  const s = STATUS[status];
  return <Badge tone={s.tone}>{s.label}</Badge>;
}
