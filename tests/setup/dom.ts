// Every rendered component and hook is unmounted after its test, so no effect (a channel, a timer) outlives it and
// React never renders into a torn-down jsdom. Testing Library only does this on its own when vitest's globals are on.
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

afterEach(() => cleanup());
