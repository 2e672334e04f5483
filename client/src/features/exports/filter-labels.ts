import { DATE_RANGE_LABELS, describeFilter, type FieldLabel, type FilterLabels } from '../../app/filter-labels';
import type { DomainFilter, ExportResource } from '../../gql/graphql';
import { API_KEY_FILTER_LABELS } from '../api-keys/labels';
import { BROADCAST_FILTER_LABELS } from '../broadcasts/filters';
import { CONTACT_FILTER_LABELS } from '../contacts/filters';
import { EMAIL_FILTER_LABELS } from '../emails/filters';
import { LOG_FILTER_LABELS } from '../logs/filters';
import type { ExportFilterLabel } from './filters';

const DOMAIN_FILTER_LABELS: FilterLabels<DomainFilter> = DATE_RANGE_LABELS;

/**
 * Each resource's filter labels are its list page's own (what its export dialog shows): a filter
 * labelled on a list is labelled here too. Read when called, as the features import this one's index.
 */
const labelsOf = (resource: ExportResource): { readonly [field: string]: FieldLabel } =>
  ({
    EMAILS: EMAIL_FILTER_LABELS,
    BROADCASTS: BROADCAST_FILTER_LABELS,
    CONTACTS: CONTACT_FILTER_LABELS,
    DOMAINS: DOMAIN_FILTER_LABELS,
    LOGS: LOG_FILTER_LABELS,
    API_KEYS: API_KEY_FILTER_LABELS,
  })[resource] ?? {};

/** A stored export's filters (its JSON, as the server kept it) in words, as the list's export dialog named them. */
export const describeExportFilters = (resource: ExportResource, filters: unknown, keyName?: (id: string) => string | undefined): ExportFilterLabel[] =>
  describeFilter(labelsOf(resource), filters, keyName);
