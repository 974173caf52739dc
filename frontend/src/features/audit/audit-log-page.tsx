import { useState } from 'react';
import { DateTime } from '../../components/date-time';
import { ErrorMessage } from '../../components/error-message';
import { ListPanelHeader } from '../../components/list-panel-header';
import { Pager } from '../../components/pager';
import { AuditLogDocument } from '../../gql/graphql';
import { useQuery } from '../../lib/use-query';
import { usePageTitle } from '../../lib/use-page-title';

export const AUDIT_PAGE = 50;

/** Every mutation anyone made, newest first, a page at a time (admins only). */
export function AuditLogPage() {
  usePageTitle('Audit log');
  const [cursors, setCursors] = useState<string[]>([]);
  const before = cursors[cursors.length - 1];
  const query = useQuery(AuditLogDocument, { first: AUDIT_PAGE, before });
  const page = query.data?.auditLog;

  return (
    <section className="panel" aria-labelledby="audit-heading" aria-busy={query.loading}>
      <ListPanelHeader
        id="audit-heading"
        title="Audit log"
        count={undefined}
        loading={query.loading}
        onRefresh={query.refetch}
      />
      <p className="panel__intro">
        Every mutation, with who made it and how it ended. Passwords, tokens and secret values are never
        recorded.
      </p>
      {query.error && <ErrorMessage title="Could not read the audit log" error={query.error} />}
      {!page ? (
        !query.error && (
          <p className="panel__note" role="status">
            Loading the audit log…
          </p>
        )
      ) : page.entries.length === 0 ? (
        <p className="panel__note">Nothing recorded yet.</p>
      ) : (
        <>
          <div className="table-scroll table-scroll--stacking">
            <table className="data-table audit-table">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Who</th>
                  <th scope="col">What</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Arguments</th>
                </tr>
              </thead>
              <tbody>
                {page.entries.map((entry) => (
                  <tr key={entry.id}>
                    <td data-label="When">
                      <DateTime value={entry.at} />
                    </td>
                    <td data-label="Who">{entry.actor}</td>
                    <th scope="row" data-label="What" className="mono">
                      {entry.action}
                    </th>
                    <td data-label="Outcome">
                      <span className={entry.outcome === 'OK' ? 'tag tag--ok' : 'tag tag--critical'}>
                        {entry.outcome}
                      </span>
                    </td>
                    <td
                      data-label="Arguments"
                      className="mono audit-table__arguments"
                      title={entry.arguments}
                    >
                      {entry.arguments}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            newer={cursors.length > 0 ? () => setCursors(cursors.slice(0, -1)) : undefined}
            older={
              page.hasMore
                ? () => setCursors([...cursors, page.entries[page.entries.length - 1].id])
                : undefined
            }
          />
        </>
      )}
    </section>
  );
}
