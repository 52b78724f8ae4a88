// Marks for the start-up benchmark (tests/e2e/bench.rs reads them).
performance.mark('cartable:script');
import './app.css';
import { mount } from 'svelte';
import App from './App.svelte';
import { initBackend } from './lib/api';
import { applyLang } from './i18n/index.svelte';
import { applyTheme } from './lib/settings.svelte';

applyLang();
applyTheme();

void initBackend().then(() => mount(App, { target: document.getElementById('app')! }));
