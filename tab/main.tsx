import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { connectHost } from './teams-host.js';

// Teams first (theme, locale, SSO), then the first render: no flash of the wrong theme.
const host = await connectHost();
createRoot(document.getElementById('root')!).render(<App host={host} />);
