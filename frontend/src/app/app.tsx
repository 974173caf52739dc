import { ServicesList } from '../features/services/services-list';
import { AppHeader } from './app-header';

export function App() {
  return (
    <div className="app">
      <AppHeader />
      <main className="app__main">
        <ServicesList />
      </main>
    </div>
  );
}
