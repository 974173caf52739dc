import { useState } from 'react';
import { Link, useLocation } from 'wouter';
import { DateTime } from '../../components/date-time';
import { ErrorMessage } from '../../components/error-message';
import { Pager } from '../../components/pager';
import { StatusDot } from '../../components/status-dot';
import { DeploymentsDocument } from '../../gql/graphql';
import { useQuery } from '../../lib/use-query';
import { usePageTitle } from '../../lib/use-page-title';
import { describeDeploymentState } from './deployment-state';
import './deployments.css';

const PAGE = 25;

/** Every deploy, stop, start and restart, newest first, a page at a time; the first page stays fresh. */
export function DeploymentsPage() {
  usePageTitle('Deployments');
  // the ids before which each page starts: [] is the newest page
  const [cursors, setCursors] = useState<string[]>([]);
  const before = cursors[cursors.length - 1];
  const query = useQuery(
    DeploymentsDocument,
    { first: PAGE, before },
    { pollInterval: before === undefined ? 3000 : undefined },
  );
  const [, navigate] = useLocation();
  const page = query.data?.deployments;

  return (
    <section className="panel" aria-labelledby="deployments-heading">
      <header className="panel__header">
        <h1 id="deployments-heading" className="panel__title">
          Deployments
        </h1>
        <Link className="button button--primary" href="/deploy">
          Deploy
        </Link>
      </header>
      {query.error && <ErrorMessage title="Could not list the deployments" error={query.error} />}
      {!page ? (
        !query.error && (
          <p className="panel__note" role="status">
            Loading deployments…
          </p>
        )
      ) : page.deployments.length === 0 ? (
        <p className="panel__note">
          No deployments yet. <Link href="/deploy">Deploy a service</Link>
        </p>
      ) : (
        <>
          <div className="table-scroll table-scroll--stacking">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">Id</th>
                  <th scope="col">What</th>
                  <th scope="col">State</th>
                  <th scope="col">Source</th>
                  <th scope="col">By</th>
                  <th scope="col">Submitted</th>
                </tr>
              </thead>
              <tbody>
                {page.deployments.map((deployment) => {
                  const state = describeDeploymentState(deployment.state);
                  const href = `/deployments/${deployment.id}`;
                  return (
                    <tr
                      key={deployment.id}
                      className="data-table__link-row"
                      onClick={(event) => {
                        if (!(event.target as HTMLElement).closest('a, button')) {
                          navigate(href);
                        }
                      }}
                    >
                      <th scope="row" data-label="Id">
                        <Link href={href}>{deployment.id}</Link>
                      </th>
                      <td data-label="What">
                        {deployment.kind.toLowerCase()} {deployment.serviceName}{' '}
                        <span className="mono">{deployment.serviceVersion}</span>
                      </td>
                      <td data-label="State">
                        <StatusDot tone={state.tone} label={state.label} />
                      </td>
                      <td data-label="Source" className="mono deployments__source">
                        {deployment.source}
                      </td>
                      <td data-label="By">{deployment.createdBy}</td>
                      <td data-label="Submitted">
                        <DateTime value={deployment.createdAt} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <Pager
            newer={cursors.length > 0 ? () => setCursors(cursors.slice(0, -1)) : undefined}
            older={
              page.hasMore
                ? () => setCursors([...cursors, page.deployments[page.deployments.length - 1].id])
                : undefined
            }
          />
        </>
      )}
    </section>
  );
}
