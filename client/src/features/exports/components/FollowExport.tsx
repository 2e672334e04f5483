import { useFollowExport } from '../hooks/useFollowExport';

/** Renders nothing: follows one running export so that a list showing it updates by itself. */
export function FollowExport({ id }: { id: string }) {
  useFollowExport(id, true);
  return null;
}
