import type { ServicesQuery } from '../../gql/graphql';

export type Row = ServicesQuery['services'][number];

/** A version as `services` lists it: main, running for three minutes, unless told otherwise. */
export function row(name: string, version: string, overrides: Partial<Row> = {}): Row {
  const main = overrides.main ?? true;
  return {
    name,
    version,
    image: `${name}:${version}`,
    main,
    state: 'RUNNING',
    stateSince: new Date(Date.now() - 3 * 60_000).toISOString(),
    path: `/services/${name}_${version}/`,
    servicePath: main ? `/services/${name}/` : null,
    createdAt: '2026-11-25T07:17:41.123Z',
    ...overrides,
  };
}
