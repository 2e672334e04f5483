import { CombinedGraphQLErrors } from '@apollo/client';
import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { reportErrors } from '../../../app/errors';
import { graphql } from '../../../gql';
import type { CreateExportInput, ExportDetail_ExportFragment } from '../../../gql/graphql';
import { toast } from '../../../ui/toast';

export const CreateExportMutation = graphql(`
  mutation CreateExport($input: CreateExportInput!) {
    createExport(input: $input) {
      ...ExportDetail_export
    }
  }
`);

/** Errors about the filters by filter name ("from" for the field `filters.from`; "" for the filters as a whole). */
export type FilterErrors = Partial<Record<string, string>>;

const FILTER_FIELD = /^filters(?:\.|$)/;

export function useCreateExportMutation() {
  const [mutate, { loading }] = useMutation(CreateExportMutation, {
    update(cache) {
      // The Exports page fetches its list again rather than guess where the new export goes.
      cache.evict({ id: 'ROOT_QUERY', fieldName: 'exports' });
      cache.gc();
    },
  });
  const [filterErrors, setFilterErrors] = useState<FilterErrors>({});

  /** Resolves to the new export, or null: filter errors are kept to show beside the filters, the others are toasts. */
  const createExport = async (input: CreateExportInput): Promise<ExportDetail_ExportFragment | null> => {
    setFilterErrors({});
    try {
      const { data } = await mutate({ variables: { input } });
      return data?.createExport ?? null;
    } catch (e) {
      if (!CombinedGraphQLErrors.is(e)) {
        reportErrors(e);
        return null;
      }
      const byFilter: FilterErrors = {};
      for (const error of e.errors) {
        const field = error.extensions?.field;
        if (typeof field === 'string' && FILTER_FIELD.test(field)) byFilter[field.replace(FILTER_FIELD, '')] ??= error.message;
        else toast.error(error.message);
      }
      setFilterErrors(byFilter);
      return null;
    }
  };
  return { createExport, loading, filterErrors, clearErrors: () => setFilterErrors({}) };
}
