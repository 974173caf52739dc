import { Link, useLocation } from 'wouter';

export interface NavItem {
  href: string;
  label: string;
  /** Whether a path belongs to this section; exact match when left out. */
  match?: (path: string) => boolean;
}

/** Links to the sections the caller may open, the current one marked; GraphiQL opens on its own. */
export function AppNav({ items }: { items: NavItem[] }) {
  const [location] = useLocation();
  return (
    <nav className="app-nav" aria-label="Sections">
      <ul className="app-nav__list">
        {items.map((item) => {
          const current = item.match ? item.match(location) : location === item.href;
          return (
            <li key={item.href}>
              <Link className="app-nav__link" href={item.href} aria-current={current ? 'page' : undefined}>
                {item.label}
              </Link>
            </li>
          );
        })}
        <li className="app-nav__end">
          <a className="app-nav__link" href="/graphiql" target="_blank" rel="noreferrer">
            GraphiQL ↗
          </a>
        </li>
      </ul>
    </nav>
  );
}
