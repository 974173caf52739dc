import { Link, useLocation } from 'wouter';
import { usePageTitle } from '../lib/use-page-title';

/** What a link to a page that does not exist gets, instead of some other page. */
export function NotFoundPage() {
  usePageTitle('Not found');
  const [location] = useLocation();
  return (
    <section className="panel status-page" aria-labelledby="not-found-heading">
      <p className="status-page__code" aria-hidden="true">
        404
      </p>
      <h1 id="not-found-heading" className="panel__title">
        No such page
      </h1>
      <p>
        There is nothing at <code>{location}</code>. It may have moved, or the link is mistyped.
      </p>
      <p>
        <Link href="/">Go to the services</Link>
      </p>
    </section>
  );
}

export function OnlyAdminsPage() {
  usePageTitle('Admins only');
  return (
    <section className="panel status-page" aria-labelledby="admins-heading">
      <h1 id="admins-heading" className="panel__title">
        Admins only
      </h1>
      <p>
        This page shows what every user did; only admins may see it. Ask an admin if you need something from
        it.
      </p>
      <p>
        <Link href="/">Go to the services</Link>
      </p>
    </section>
  );
}

export function SignInNeededPage() {
  usePageTitle('Sign in needed');
  const [location] = useLocation();
  return (
    <section className="panel status-page" aria-labelledby="sign-in-needed-heading">
      <h1 id="sign-in-needed-heading" className="panel__title">
        Sign in to see this page
      </h1>
      <p>Authentication is off on this manager, so most pages work without signing in; this one does not.</p>
      <p>
        <a
          className="button button--primary"
          href={`/auth/login?destination=${encodeURIComponent(location)}`}
        >
          Sign in
        </a>
      </p>
    </section>
  );
}
